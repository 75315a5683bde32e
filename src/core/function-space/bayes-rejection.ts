/**
 * P_B(f | S) by rejection (issue 13): the Bayes posterior under the 0–1 likelihood with the
 * initialisation as prior is the prior restricted to the networks that fit S. Networks stream through
 * randnet's GPU sampler (network k of the seed, as `randnet` draws it), shaders/fit-filter.wgsl keeps
 * the keys that equal the target on S, and the accepted keys are counted in their own FunctionTable.
 */
import fitFilterWgsl from '../../../shaders/fit-filter.wgsl';
import { computeLayouts } from '../../gpu/layouts';
import { readBuffer } from '../../gpu/readback';
import { computePipeline } from '../../gpu/shader-assembly';
import { FunctionTable, type TableSnapshot } from './function-table';
import type { RandNetConfig } from './randnet';
import { grid, RandNetSampler } from './randnet-sampler';
import { type BoolTask, taskKeys } from './sgd-task';

function layouts(device: GPUDevice) {
  return computeLayouts(device, 'fit-filter', ['uniform', 'read-only-storage', 'storage', 'storage']);
}

export class BayesRejection {
  /** Networks drawn from the prior so far. */
  samples = 0;
  /** Of them, those that fit S. */
  accepted = 0;
  private readonly buffers: GPUBuffer[];
  private readonly bindGroup: GPUBindGroup;
  private destroyed = false;

  private constructor(
    readonly sampler: RandNetSampler,
    readonly table: FunctionTable,
    private readonly pipeline: GPUComputePipeline,
    private readonly uniform: GPUBuffer,
    private readonly acceptedKeys: GPUBuffer,
    private readonly counter: GPUBuffer,
  ) {
    this.buffers = [uniform, acceptedKeys, counter];
    this.bindGroup = sampler.device.createBindGroup({
      label: 'fit-filter',
      layout: layouts(sampler.device).group,
      entries: [uniform, sampler.keys, acceptedKeys, counter].map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
  }

  static async create(
    device: GPUDevice,
    net: RandNetConfig,
    task: BoolTask,
    options: { batch: number; capacity: number },
  ): Promise<BayesRejection> {
    if (task.inputs !== net.inputs)
      throw new RangeError(`target: ${task.inputs} inputs, the network has ${net.inputs}`);
    const sampler = await RandNetSampler.create(device, net, options.batch);
    let table: FunctionTable | undefined;
    try {
      table = await FunctionTable.create(device, { capacity: options.capacity, batch: options.batch });
      const pipeline = await computePipeline(
        device,
        fitFilterWgsl,
        'filter_fits',
        layouts(device).pipeline,
        'fit-filter',
      );
      const uniform = device.createBuffer({
        label: 'fit-filter/params',
        size: 48,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      const keys = taskKeys(task);
      const data = new Uint32Array(12);
      data.set(keys.target, 4);
      data.set(keys.train, 8);
      device.queue.writeBuffer(uniform, 0, data);
      const accepted = device.createBuffer({
        label: 'fit-filter/accepted',
        size: 16 * options.batch,
        usage: GPUBufferUsage.STORAGE,
      });
      const counter = device.createBuffer({
        label: 'fit-filter/count',
        size: 16,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      return new BayesRejection(sampler, table, pipeline, uniform, accepted, counter);
    } catch (err) {
      sampler.destroy();
      table?.destroy();
      throw err;
    }
  }

  /** Draws the next `count` networks (≤ batch), keeps those that fit S; resolves when counted. */
  async advance(count: number): Promise<void> {
    if (this.destroyed) throw new Error('BayesRejection used after destroy()');
    const device = this.sampler.device;
    const [gx, gy] = grid(device, Math.ceil(count / 256));
    device.queue.writeBuffer(this.uniform, 0, new Uint32Array([count, gx, 0, 0]));
    const encoder = device.createCommandEncoder({ label: 'bayes/batch' });
    encoder.clearBuffer(this.counter);
    const pass = encoder.beginComputePass({ label: 'bayes/batch' });
    this.sampler.encode(pass, this.samples, count);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    device.queue.submit([encoder.finish()]);
    this.samples += count;
    const n = new Uint32Array(await readBuffer(device, this.counter, 4, 'bayes/count'))[0];
    if (n > 0) {
      const e2 = device.createCommandEncoder({ label: 'bayes/insert' });
      const p2 = e2.beginComputePass({ label: 'bayes/insert' });
      this.table.encodeInsert(p2, this.acceptedKeys, n);
      p2.end();
      device.queue.submit([e2.finish()]);
      this.accepted += n;
    }
  }

  read(): Promise<TableSnapshot> {
    return this.table.readEntries();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.sampler.destroy();
    this.table.destroy();
    for (const b of this.buffers) b.destroy();
  }
}
