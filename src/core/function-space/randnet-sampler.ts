/**
 * RandNetSampler: draws random networks on the GPU (shaders/randnet.wgsl) and writes the Boolean
 * function each computes as a 128-bit key into its `keys` buffer, one batch at a time. It owns its
 * buffers (idempotent destroy()), never recompiles for a new seed or scale (uniforms only), and reads
 * back nothing unless asked (keys or raw outputs, for tests).
 */

import type { StructuredView } from 'webgpu-utils';
import randnetWgsl from '../../../shaders/randnet.wgsl';
import rngWgsl from '../../../shaders/rng.wgsl';
import { type ComputeLayouts, computeLayouts } from '../../gpu/layouts';
import { readBuffer } from '../../gpu/readback';
import { uniformView } from '../../gpu/reflect';
import { computePipeline } from '../../gpu/shader-assembly';
import { seedKey } from '../rng';
import { layerShapes, parameterCount, type RandNetConfig, validateRandNet } from './randnet';

/** Output slots per network in sampleOutputs (the largest number of input points). */
const OUTPUT_SLOTS = 128;

const code = `${rngWgsl}\n${randnetWgsl}`;

function layouts(device: GPUDevice): ComputeLayouts {
  return computeLayouts(device, 'randnet', ['uniform', 'storage', 'storage']);
}

const ACT_CODE = { relu: 0, tanh: 1, softplus: 2 } as const;
const INIT_CODE = { gauss: 0, uniform: 1 } as const;

/** A 2-D grid of `groups` workgroups within the per-dimension limit. */
export function grid(device: GPUDevice, groups: number): [number, number] {
  const maxX = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.max(1, Math.min(groups, maxX));
  return [x, Math.max(1, Math.ceil(groups / x))];
}

/**
 * Consecutive networks per workgroup: enough workgroups (≥ 4096 when the batch allows) to fill a large
 * GPU, and up to 64 networks each so a workgroup's start-up cost is amortised.
 */
export function networksPerGroup(count: number): number {
  return Math.max(1, Math.min(64, Math.ceil(count / 4096)));
}

export class RandNetSampler {
  readonly device: GPUDevice;
  /** Largest number of networks per batch. */
  readonly batch: number;
  /** One vec4<u32> key per network of the last batch (batch × 16 bytes). */
  readonly keys: GPUBuffer;
  private readonly uniform: GPUBuffer;
  private readonly dummyOutputs: GPUBuffer;
  private readonly params: StructuredView;
  private readonly bindGroup: GPUBindGroup;
  private readonly pipeline: GPUComputePipeline;
  private config: RandNetConfig;
  private destroyed = false;

  private constructor(device: GPUDevice, config: RandNetConfig, batch: number, pipeline: GPUComputePipeline) {
    this.device = device;
    this.config = config;
    this.batch = batch;
    this.pipeline = pipeline;
    this.params = uniformView(code, 'net');
    this.uniform = device.createBuffer({
      label: 'randnet/params',
      size: this.params.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.keys = device.createBuffer({
      label: 'randnet/keys',
      size: 16 * batch,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.dummyOutputs = device.createBuffer({
      label: 'randnet/outputs-unused',
      size: 16,
      usage: GPUBufferUsage.STORAGE,
    });
    this.bindGroup = this.makeBindGroup(this.dummyOutputs, 'randnet');
  }

  /** Compiles (or reuses) the pipelines and allocates a keys buffer for `batch` networks. */
  static async create(device: GPUDevice, config: RandNetConfig, batch = 65536): Promise<RandNetSampler> {
    validateRandNet(config);
    RandNetSampler.checkBatch(device, batch);
    const l = layouts(device);
    // The test kernel (sample_test: raw outputs or parameters) compiles on first use: compiling is slow on
    // software GPUs and the CLI never needs them.
    const pipeline = await computePipeline(
      device,
      code,
      'sample_functions',
      l.pipeline,
      'randnet/sample-functions',
    );
    return new RandNetSampler(device, config, batch, pipeline);
  }

  private static checkBatch(device: GPUDevice, batch: number): void {
    const max = Math.min(
      Math.floor(device.limits.maxStorageBufferBindingSize / 16),
      device.limits.maxComputeWorkgroupsPerDimension ** 2,
      2 ** 32 - 2,
    );
    if (!Number.isInteger(batch) || batch < 1 || batch > max)
      throw new RangeError(`batch must be an integer in [1, ${max}], got ${batch}`);
  }

  get settings(): RandNetConfig {
    return this.config;
  }

  /** Changes the settings (architecture included: they are all uniforms). */
  update(changes: Partial<RandNetConfig>): void {
    const next = { ...this.config, ...changes };
    validateRandNet(next);
    this.config = next;
  }

  private makeBindGroup(outputs: GPUBuffer, label: string): GPUBindGroup {
    return this.device.createBindGroup({
      label,
      layout: layouts(this.device).group,
      entries: [this.uniform, this.keys, outputs].map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
  }

  private writeParams(first: number, count: number, testKind = 0): [number, number] {
    if (this.destroyed) throw new Error('RandNetSampler used after destroy()');
    if (!Number.isInteger(count) || count < 1 || count > this.batch)
      throw new RangeError(`count must be an integer in [1, ${this.batch}], got ${count}`);
    if (!Number.isSafeInteger(first) || first < 0 || !Number.isSafeInteger(first + count))
      throw new RangeError(`first network index must be a non-negative integer, got ${first}`);
    const c = this.config;
    const shapes = layerShapes(c);
    const widths = [c.inputs, ...c.hidden, 1];
    const [seedLo, seedHi] = seedKey(c.seed);
    const perGroup = networksPerGroup(count);
    const [gx, gy] = grid(this.device, Math.ceil(count / perGroup));
    const pad = (xs: number[]) => [...xs, ...new Array(8 - xs.length).fill(0)];
    this.params.set({
      seed_lo: seedLo,
      seed_hi: seedHi,
      first_lo: (first % 2 ** 32) >>> 0,
      first_hi: Math.floor(first / 2 ** 32) >>> 0,
      count,
      groups_x: gx,
      per_group: perGroup,
      param_count: shapes.reduce((s, l) => s + l.fanOut * (l.fanIn + 1), 0),
      test_kind: testKind,
      inputs: c.inputs,
      layers: shapes.length,
      activation: ACT_CODE[c.activation],
      weight_init: INIT_CODE[c.init],
      bias_init: INIT_CODE[c.biasInit],
      domain: c.domain === 'pm1' ? 1 : 0,
      widths: pad(widths),
      offsets: pad(shapes.map((s) => s.offset)),
      w_scale: pad(shapes.map((s) => s.wScale)),
      b_scale: pad(shapes.map((s) => s.bScale)),
    });
    this.device.queue.writeBuffer(this.uniform, 0, this.params.arrayBuffer);
    return [gx, gy];
  }

  /**
   * Writes the uniforms for networks [first, first + count) and records the sampling dispatch into
   * `pass`: submit the encoder before the next call (uniform writes are ordered with submits).
   */
  encode(pass: GPUComputePassEncoder, first: number, count: number): void {
    const [gx, gy] = this.writeParams(first, count);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(gx, gy);
  }

  /** Samples networks [first, first + count) into `keys` and submits. */
  sample(first: number, count: number): void {
    const encoder = this.device.createCommandEncoder({ label: 'randnet/sample' });
    const pass = encoder.beginComputePass({ label: 'randnet/sample' });
    this.encode(pass, first, count);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** The first `count` keys of the last batch (4 words each). */
  async readKeys(count: number): Promise<Uint32Array> {
    return new Uint32Array(await this.readBuffer(this.keys, 16 * count, 'randnet/keys-readback'));
  }

  /** Raw outputs of networks [first, first + count): 128 floats each (points ≥ 2^n are 0). For tests. */
  sampleOutputs(first: number, count: number): Promise<Float32Array> {
    return this.runTestKernel('outputs', first, count, OUTPUT_SLOTS);
  }

  /** The parameters the GPU drew for networks [first, first + count), flattened as drawNetwork(). For tests. */
  sampleParams(first: number, count: number): Promise<Float32Array> {
    return this.runTestKernel('params', first, count, parameterCount(this.config));
  }

  private async runTestKernel(
    kind: 'outputs' | 'params',
    first: number,
    count: number,
    perNetwork: number,
  ): Promise<Float32Array> {
    const outputs = this.device.createBuffer({
      label: `randnet/${kind}`,
      size: 4 * perNetwork * count,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    try {
      const l = layouts(this.device);
      const pipeline = await computePipeline(
        this.device,
        code,
        'sample_test',
        l.pipeline,
        'randnet/sample-test',
      );
      const [gx, gy] = this.writeParams(first, count, kind === 'outputs' ? 0 : 1);
      const encoder = this.device.createCommandEncoder({ label: `randnet/${kind}` });
      const pass = encoder.beginComputePass({ label: `randnet/${kind}` });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.makeBindGroup(outputs, `randnet/${kind}`));
      pass.dispatchWorkgroups(gx, gy);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      return new Float32Array(await this.readBuffer(outputs, outputs.size, `randnet/${kind}-readback`));
    } finally {
      outputs.destroy();
    }
  }

  private readBuffer(source: GPUBuffer, bytes: number, label: string): Promise<ArrayBuffer> {
    if (this.destroyed) throw new Error('RandNetSampler used after destroy()');
    return readBuffer(this.device, source, bytes, label);
  }

  /** Frees every GPU buffer this sampler owns. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of [this.uniform, this.keys, this.dummyOutputs]) b.destroy();
  }
}
