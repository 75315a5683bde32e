/** The shader module of a landscape: what every kernel that evaluates one (walkers, eval, grids, predictions) starts from. */
import { assemble } from '../../gpu/shader-assembly';
import { unrollDimensionLoops } from '../../gpu/unroll';
import { landscapeParamsSource } from './landscape-uniforms';
import { type Landscape, landscapeCommonWgsl } from './landscapes';

/** A shader module for a landscape: header, its uniforms, shared helpers, its WGSL, then `parts`. */
export function landscapeModule(landscape: Landscape, ...parts: string[]): string {
  // Coordinate loops unrolled for small D: a large win on software GPUs, neutral on hardware (unroll.ts).
  return unrollDimensionLoops(
    assemble(landscape.dim, landscapeParamsSource, landscapeCommonWgsl, landscape.wgsl, ...parts),
    landscape.dim,
  );
}
