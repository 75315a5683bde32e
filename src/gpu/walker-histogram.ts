/**
 * GPU 2-D histogram of the walkers over a window, read back (bins² counts, a few KiB) at most once at
 * a time. The walker positions never leave the GPU.
 */

import type { StructuredView } from 'webgpu-utils';
import histogramWgsl from '../../shaders/histogram2d.wgsl';
import type { Window2D } from './grid-compute';
import { type ComputeLayouts, computeLayouts } from './layouts';
import { submitAndRead } from './readback';
import { uniformView } from './reflect';
import { assemble, computePipeline } from './shader-assembly';

const WG = 256;

function layouts(device: GPUDevice): ComputeLayouts {
  return computeLayouts(device, 'histogram', ['uniform', 'read-only-storage', 'storage']);
}
const MAX_GROUPS = 1024;

export interface HistogramResult {
  readonly bins: number;
  readonly window: Window2D;
  /** Counts, row-major, row = w2 bin. */
  readonly counts: Uint32Array;
  /** Walkers counted in the window. */
  readonly inside: number;
  readonly walkers: number;
}

export class WalkerHistogram {
  private readonly uniform: GPUBuffer;
  private readonly counts: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly view: StructuredView;
  private pending = false;
  private destroyed = false;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    code: string,
    positions: GPUBuffer,
    private readonly walkers: number,
    readonly bins: number,
  ) {
    this.view = uniformView(code, 'hp');
    this.uniform = device.createBuffer({
      label: 'histogram/uniform',
      size: this.view.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const bytes = 4 * bins * bins;
    this.counts = device.createBuffer({
      label: 'histogram/counts',
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.staging = device.createBuffer({
      label: 'histogram/readback',
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.bindGroup = device.createBindGroup({
      label: 'histogram',
      layout: layouts(device).group,
      entries: [
        { binding: 0, resource: { buffer: this.uniform } },
        { binding: 1, resource: { buffer: positions } },
        { binding: 2, resource: { buffer: this.counts } },
      ],
    });
  }

  static async create(
    device: GPUDevice,
    positions: GPUBuffer,
    walkers: number,
    dim: number,
    bins: number,
  ): Promise<WalkerHistogram> {
    const code = assemble(dim, histogramWgsl);
    const pipeline = await computePipeline(
      device,
      code,
      'histogram2d',
      layouts(device).pipeline,
      'histogram2d',
    );
    return new WalkerHistogram(device, pipeline, code, positions, walkers, bins);
  }

  /** True while a readback is in flight (do not start another). */
  get busy(): boolean {
    return this.pending;
  }

  /** Bins the walkers on the GPU and reads the counts back. */
  async read(window: Window2D): Promise<HistogramResult> {
    if (this.destroyed) throw new Error('WalkerHistogram used after destroy()');
    if (this.pending) throw new Error('WalkerHistogram.read called while a readback is pending');
    this.pending = true;
    try {
      const groups = Math.max(1, Math.min(MAX_GROUPS, Math.ceil(this.walkers / WG)));
      this.view.set({
        walkers: this.walkers,
        bins: this.bins,
        stride: groups * WG,
        lo: window.lo,
        hi: window.hi,
      });
      this.device.queue.writeBuffer(this.uniform, 0, this.view.arrayBuffer);
      const encoder = this.device.createCommandEncoder({ label: 'histogram' });
      encoder.clearBuffer(this.counts);
      const pass = encoder.beginComputePass({ label: 'histogram' });
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, this.bindGroup);
      pass.dispatchWorkgroups(groups);
      pass.end();
      const copy = { source: this.counts, bytes: this.counts.size };
      const counts = new Uint32Array(
        await submitAndRead(this.device, [copy], 'histogram/readback', encoder, this.staging),
      );
      let inside = 0;
      for (const c of counts) inside += c;
      return { bins: this.bins, window, counts, inside, walkers: this.walkers };
    } finally {
      this.pending = false;
    }
  }

  /** Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of [this.uniform, this.counts, this.staging]) b.destroy();
  }
}
