/**
 * The landscape's uniform buffer (bind group 1 of every pipeline that evaluates a landscape): its
 * parameters followed by any data it carries, packed by the landscape itself. One owner, one buffer,
 * rewritten when a parameter changes — never a recompile.
 */
import landscapeParamsWgsl from '../../../shaders/landscape-params.wgsl';
import { engineLayouts } from '../../gpu/layouts';
import type { Landscape } from './landscapes';

/** Floats in the landscape uniform block (`LANDSCAPE_VALUES` in landscape-params.wgsl). */
export const LANDSCAPE_VALUES = 1024;

/** WGSL declaring the group-1 landscape uniforms and `lp(i)`; part of every landscape module. */
export const landscapeParamsSource = landscapeParamsWgsl;

export function packLandscapeValues(
  landscape: Landscape,
  params: readonly number[],
): Float32Array<ArrayBuffer> {
  const values = landscape.uniforms ? landscape.uniforms(params) : params;
  if (values.length > LANDSCAPE_VALUES) {
    throw new RangeError(
      `landscape '${landscape.id}' needs ${values.length} uniform values; the limit is ${LANDSCAPE_VALUES}`,
    );
  }
  const out = new Float32Array(LANDSCAPE_VALUES);
  out.set(values);
  return out;
}

export class LandscapeBinding {
  readonly buffer: GPUBuffer;
  readonly bindGroup: GPUBindGroup;
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly landscape: Landscape,
    params: readonly number[],
  ) {
    this.buffer = device.createBuffer({
      label: `landscape/${landscape.id}`,
      size: 4 * LANDSCAPE_VALUES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.bindGroup = device.createBindGroup({
      label: `landscape/${landscape.id}`,
      layout: engineLayouts(device).landscapeGroup,
      entries: [{ binding: 0, resource: { buffer: this.buffer } }],
    });
    this.update(params);
  }

  /** Rewrites the uniforms for new parameter values. */
  update(params: readonly number[]): void {
    if (this.destroyed) throw new Error('LandscapeBinding used after destroy()');
    this.device.queue.writeBuffer(this.buffer, 0, packLandscapeValues(this.landscape, params));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.buffer.destroy();
  }
}
