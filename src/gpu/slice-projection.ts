/**
 * SliceProjection: for d > 2, copies each walker's two slice coordinates from the engine's positions
 * (stride d) into a 2-float-per-walker buffer (the three.js walker attribute), one tiny dispatch per
 * frame. The positions never leave the GPU.
 */

import type { StructuredView } from 'webgpu-utils';
import projectWgsl from '../../shaders/slice-project.wgsl';
import { type ComputeLayouts, computeLayouts } from './layouts';
import { uniformView } from './reflect';
import { assemble, computePipeline } from './shader-assembly';

function layouts(device: GPUDevice): ComputeLayouts {
  return computeLayouts(device, 'slice-project', ['uniform', 'read-only-storage', 'storage']);
}

export class SliceProjection {
  private readonly uniform: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly view: StructuredView;
  private destroyed = false;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    code: string,
    positions: GPUBuffer,
    projected: GPUBuffer,
    private readonly walkers: number,
  ) {
    this.view = uniformView(code, 'pp');
    this.uniform = device.createBuffer({
      label: 'slice-project/uniform',
      size: Math.max(16, this.view.arrayBuffer.byteLength),
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.bindGroup = device.createBindGroup({
      label: 'slice-project',
      layout: layouts(device).group,
      entries: [
        { binding: 0, resource: { buffer: this.uniform } },
        { binding: 1, resource: { buffer: positions } },
        { binding: 2, resource: { buffer: projected } },
      ],
    });
    this.setAxes([0, 1]);
  }

  /**
   * @param positions the engine's positions (walkers × dim floats)
   * @param projected the destination (at least walkers × 2 floats, STORAGE usage)
   */
  static async create(
    device: GPUDevice,
    positions: GPUBuffer,
    projected: GPUBuffer,
    walkers: number,
    dim: number,
  ): Promise<SliceProjection> {
    const code = assemble(dim, projectWgsl);
    const pipeline = await computePipeline(
      device,
      code,
      'project_axes',
      layouts(device).pipeline,
      `d${dim}/slice-project`,
    );
    return new SliceProjection(device, pipeline, code, positions, projected, walkers);
  }

  /** The two 0-based parameter indices drawn. */
  setAxes(axes: readonly [number, number]): void {
    if (this.destroyed) return;
    this.view.set({ walkers: this.walkers, ax: axes[0], ay: axes[1] });
    this.device.queue.writeBuffer(this.uniform, 0, this.view.arrayBuffer);
  }

  /** Writes the projected pairs (queued before the frame's render on the same queue). */
  run(): void {
    if (this.destroyed) return;
    const encoder = this.device.createCommandEncoder({ label: 'slice-project' });
    const pass = encoder.beginComputePass({ label: 'slice-project' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(this.walkers / 64));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.uniform.destroy();
  }
}
