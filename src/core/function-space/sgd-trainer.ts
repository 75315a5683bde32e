/**
 * SgdTrainer (GPU): trains batches of random networks in parallel from randnet's initialisation
 * (shaders/train.wgsl), until each classifies the training set exactly or gives up at max epochs.
 * Per-network state (parameters, Adam moments, gradients, status) lives in storage buffers sized for
 * `batch` networks; memory does not grow with the number of runs.
 */
import type { StructuredView } from 'webgpu-utils';
import rngWgsl from '../../../shaders/rng.wgsl';
import trainWgsl from '../../../shaders/train.wgsl';
import { computeLayouts } from '../../gpu/layouts';
import { readBuffer } from '../../gpu/readback';
import { uniformView } from '../../gpu/reflect';
import { computePipeline } from '../../gpu/shader-assembly';
import { seedKey } from '../rng';
import { layerShapes, parameterCount, type RandNetConfig, validateRandNet } from './randnet';
import { type BoolTask, taskKeys } from './sgd-task';
import { effectiveBatch, type TrainConfig, validateTrain } from './sgd-twin';

const code = `${rngWgsl}\n${trainWgsl}`;
const WG = 64;
const ACT_CODE = { relu: 0, tanh: 1, softplus: 2 } as const;
const INIT_CODE = { gauss: 0, uniform: 1 } as const;
/** Work (networks × |S| × parameters × epochs) per dispatch: keeps a dispatch well under a second. */
const WORK_PER_DISPATCH = 2 ** 30;

export interface TrainBatchResult {
  /** Per network of the batch: 1 fits S, 2 gave up (max epochs). */
  readonly state: Uint32Array;
  /** Epochs trained (at the fit, or max epochs). */
  readonly epochs: Uint32Array;
  /** The function each computes on all 2^n points at the end, 4 words per network. */
  readonly keys: Uint32Array;
}

export class SgdTrainer {
  readonly device: GPUDevice;
  readonly batch: number;
  readonly net: RandNetConfig;
  readonly task: BoolTask;
  readonly train: TrainConfig;
  readonly paramCount: number;
  /** Function keys of the last batch (vec4<u32> per network). */
  readonly keys: GPUBuffer;
  readonly params: GPUBuffer;
  private readonly buffers: GPUBuffer[];
  private readonly status: GPUBuffer;
  private readonly finished: GPUBuffer;
  private readonly uniform: GPUBuffer;
  private readonly view: StructuredView;
  private readonly bindGroup: GPUBindGroup;
  private destroyed = false;

  private constructor(
    device: GPUDevice,
    net: RandNetConfig,
    task: BoolTask,
    train: TrainConfig,
    batch: number,
    private readonly pipelines: { init: GPUComputePipeline; train: GPUComputePipeline },
  ) {
    this.device = device;
    this.net = net;
    this.task = task;
    this.train = train;
    this.batch = batch;
    this.paramCount = parameterCount(net);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage = storage) =>
      device.createBuffer({ label: `sgd/${label}`, size: Math.max(16, size), usage });
    const P = this.paramCount;
    this.params = make('params', 4 * P * batch);
    const adam = train.optimizer === 'adam';
    const moments = make('moments', adam ? 8 * P * batch : 16);
    const grads = make('grads', 4 * P * batch);
    this.status = make('status', 16 * batch);
    this.keys = make('keys', 16 * batch);
    const points = make('train-points', 4 * task.train.length);
    device.queue.writeBuffer(points, 0, new Uint32Array(task.train));
    this.finished = make('finished', 16);
    this.view = uniformView(code, 'tp');
    this.uniform = make(
      'params-uniform',
      this.view.arrayBuffer.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    );
    this.buffers = [this.params, moments, grads, this.status, this.keys, points, this.finished, this.uniform];
    this.bindGroup = device.createBindGroup({
      label: 'sgd',
      layout: layouts(device).group,
      entries: [this.uniform, this.params, moments, grads, this.status, this.keys, points, this.finished].map(
        (buffer, binding) => ({ binding, resource: { buffer } }),
      ),
    });
  }

  /**
   * Compiles (or reuses) the pipelines and allocates state for `batch` networks: 4·P·(2 + 2·[adam])
   * + 32 bytes each (P parameters). Throws RangeError naming the setting that does not fit.
   */
  static async create(
    device: GPUDevice,
    net: RandNetConfig,
    task: BoolTask,
    train: TrainConfig,
    batch: number,
  ): Promise<SgdTrainer> {
    validateRandNet(net);
    validateTrain(train);
    if (task.inputs !== net.inputs)
      throw new RangeError(`target: ${task.inputs} inputs, the network has ${net.inputs}`);
    const P = parameterCount(net);
    const perNet = 4 * P * (train.optimizer === 'adam' ? 2 : 1);
    const max = Math.min(
      Math.floor(device.limits.maxStorageBufferBindingSize / perNet),
      device.limits.maxComputeWorkgroupsPerDimension * WG * 64,
    );
    if (!Number.isInteger(batch) || batch < 1 || batch > max)
      throw new RangeError(`batch must be an integer in [1, ${max}] for ${P} parameters, got ${batch}`);
    const l = layouts(device);
    const [init, trainP] = await Promise.all([
      computePipeline(device, code, 'init_networks', l.pipeline, 'sgd/init'),
      computePipeline(device, code, 'train_epochs', l.pipeline, 'sgd/train'),
    ]);
    return new SgdTrainer(device, net, task, train, batch, { init, train: trainP });
  }

  private grid(count: number): [number, number, number] {
    const groups = Math.ceil(count / WG);
    const maxX = this.device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.max(1, Math.min(groups, maxX));
    return [x, Math.max(1, Math.ceil(groups / x)), x];
  }

  private write(first: number, count: number, epoch0: number, epochs: number): [number, number] {
    const c = this.net;
    const t = this.train;
    const shapes = layerShapes(c);
    const widths = [c.inputs, ...c.hidden, 1];
    const pad = (xs: number[]) => [...xs, ...new Array(8 - xs.length).fill(0)];
    const [seedLo, seedHi] = seedKey(c.seed);
    const [gx, gy] = this.grid(count);
    this.view.set({
      seed_lo: seedLo,
      seed_hi: seedHi,
      first_lo: (first % 2 ** 32) >>> 0,
      first_hi: Math.floor(first / 2 ** 32) >>> 0,
      count,
      stride: this.batch,
      groups_x: gx,
      param_count: this.paramCount,
      inputs: c.inputs,
      layers: shapes.length,
      activation: ACT_CODE[c.activation],
      weight_init: INIT_CODE[c.init],
      bias_init: INIT_CODE[c.biasInit],
      domain: c.domain === 'pm1' ? 1 : 0,
      optimizer: t.optimizer === 'adam' ? 1 : 0,
      loss: t.loss === 'mse' ? 1 : 0,
      train_count: this.task.train.length,
      batch: effectiveBatch(t, this.task.train.length),
      epoch0,
      epochs,
      max_epochs: t.maxEpochs,
      lr: t.lr,
      beta1: t.beta1,
      beta2: t.beta2,
      adam_eps: t.adamEps,
      target_bits: Array.from(taskKeys(this.task).target),
      widths: pad(widths),
      offsets: pad(shapes.map((s) => s.offset)),
      w_scale: pad(shapes.map((s) => s.wScale)),
      b_scale: pad(shapes.map((s) => s.bScale)),
    });
    this.device.queue.writeBuffer(this.uniform, 0, this.view.arrayBuffer);
    return [gx, gy];
  }

  private dispatch(
    pipeline: GPUComputePipeline,
    first: number,
    count: number,
    epoch0: number,
    epochs: number,
  ) {
    if (this.destroyed) throw new Error('SgdTrainer used after destroy()');
    const [gx, gy] = this.write(first, count, epoch0, epochs);
    const encoder = this.device.createCommandEncoder({ label: 'sgd' });
    const pass = encoder.beginComputePass({ label: 'sgd' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Draws networks [first, first + count) into the state buffers (epoch 0). */
  init(first: number, count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > this.batch)
      throw new RangeError(`count must be an integer in [1, ${this.batch}], got ${count}`);
    const encoder = this.device.createCommandEncoder({ label: 'sgd/clear' });
    encoder.clearBuffer(this.finished);
    this.device.queue.submit([encoder.finish()]);
    this.dispatch(this.pipelines.init, first, count, 0, 0);
  }

  /** Runs epochs [epoch0, epoch0 + epochs) (fit checks included) for networks [first, first + count). */
  step(first: number, count: number, epoch0: number, epochs: number): void {
    this.dispatch(this.pipelines.train, first, count, epoch0, epochs);
  }

  /** Networks of the batch that have stopped: [fit S, gave up]. 16 bytes read back. */
  async readFinished(): Promise<[number, number]> {
    const w = new Uint32Array(await readBuffer(this.device, this.finished, 16, 'sgd/finished'));
    return [w[0], w[1]];
  }

  /** Epochs per dispatch for `count` networks: WORK_PER_DISPATCH / (count·|S|·P), in [1, 256]. */
  epochsPerDispatch(count: number): number {
    const perEpoch = count * this.task.train.length * this.paramCount;
    return Math.max(1, Math.min(256, Math.floor(WORK_PER_DISPATCH / perEpoch)));
  }

  /**
   * Trains networks [first, first + count) to the end: each fits S or gives up at max epochs (the
   * last fit check runs at epoch max_epochs). `onEpoch` sees the epochs done and the networks stopped.
   */
  async trainBatch(
    first: number,
    count: number,
    onEpoch?: (epochs: number, stopped: number) => void,
  ): Promise<TrainBatchResult> {
    this.init(first, count);
    const total = this.train.maxEpochs + 1;
    const per = this.epochsPerDispatch(count);
    for (let e = 0; e < total; ) {
      const k = Math.min(per, total - e);
      this.step(first, count, e, k);
      e += k;
      const [fit, gaveUp] = await this.readFinished();
      onEpoch?.(e, fit + gaveUp);
      if (fit + gaveUp >= count) break;
    }
    return this.readBatch(count);
  }

  /** Status and keys of the first `count` networks of the batch. */
  async readBatch(count: number): Promise<TrainBatchResult> {
    const st = new Uint32Array(await readBuffer(this.device, this.status, 16 * count, 'sgd/status'));
    const keys = new Uint32Array(await readBuffer(this.device, this.keys, 16 * count, 'sgd/keys'));
    const state = new Uint32Array(count);
    const epochs = new Uint32Array(count);
    for (let j = 0; j < count; j++) {
      state[j] = st[4 * j];
      epochs[j] = st[4 * j + 1];
    }
    return { state, epochs, keys };
  }

  /** Network j's current parameters (for tests: the structure-of-arrays layout undone). */
  async readParams(j: number): Promise<Float32Array> {
    const all = new Float32Array(
      await readBuffer(this.device, this.params, 4 * this.paramCount * this.batch, 'sgd/params'),
    );
    const out = new Float32Array(this.paramCount);
    for (let p = 0; p < this.paramCount; p++) out[p] = all[p * this.batch + j];
    return out;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.buffers) b.destroy();
  }
}

function layouts(device: GPUDevice) {
  return computeLayouts(device, 'sgd-train', [
    'uniform',
    'storage',
    'storage',
    'storage',
    'storage',
    'storage',
    'read-only-storage',
    'storage',
  ]);
}
