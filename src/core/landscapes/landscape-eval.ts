/**
 * A landscape's loss and gradient at given points, from its own WGSL (shaders/eval.wgsl): the GPU's
 * answer that CPU references and the loss at w* are checked against. One one-shot pass per call.
 */
import evalWgsl from '../../../shaders/eval.wgsl';
import { runOnce } from '../../gpu/compute-pass';
import { engineLayouts } from '../../gpu/layouts';
import { uniformView } from '../../gpu/reflect';
import { computePipeline } from '../../gpu/shader-assembly';
import { landscapeModule } from './landscape-module';
import { LandscapeBinding } from './landscape-uniforms';
import type { Landscape } from './landscapes';

/** What evaluation needs of a posterior's settings. */
export interface LandscapeAt {
  readonly landscape: Landscape;
  readonly params: readonly number[];
}

/** The evaluation module of a landscape (kept by a caller that evaluates often, e.g. an engine). */
export const evalModule = (landscape: Landscape): string => landscapeModule(landscape, evalWgsl);

/**
 * Evaluates a landscape's WGSL loss/grad at points (stride d) on the GPU. `binding` reuses a caller's
 * landscape uniforms (else a fresh binding is made and destroyed).
 */
export async function evaluateLandscape(
  device: GPUDevice,
  settings: LandscapeAt,
  points: Float32Array<ArrayBuffer> | readonly number[],
  code = evalModule(settings.landscape),
  binding?: LandscapeBinding,
): Promise<{ loss: Float32Array; grad: Float32Array }> {
  const d = settings.landscape.dim;
  const count = Math.floor(points.length / d);
  if (count * d !== points.length)
    throw new RangeError(`point array length ${points.length} is not a multiple of ${d}`);
  const layouts = engineLayouts(device);
  const pipeline = await computePipeline(
    device,
    code,
    'eval_points',
    layouts.evalPipeline,
    `${settings.landscape.id}/eval`,
  );
  const params = uniformView(code, 'ep');
  params.set({ count });
  const landscape = binding ?? new LandscapeBinding(device, settings.landscape, settings.params);
  try {
    const [out] = await runOnce(device, {
      label: 'eval',
      pipeline,
      layout: layouts.evalGroup,
      uniform: params.arrayBuffer,
      inputs: [points instanceof Float32Array ? points : new Float32Array(points)],
      outputs: [4 * count * (d + 1)],
      groups: [landscape.bindGroup],
      workgroups: [Math.max(1, Math.ceil(count / 64))],
    });
    const values = new Float32Array(out);
    const loss = new Float32Array(count);
    const grad = new Float32Array(count * d);
    for (let i = 0; i < count; i++) {
      loss[i] = values[i * (d + 1)];
      for (let j = 0; j < d; j++) grad[i * d + j] = values[i * (d + 1) + 1 + j];
    }
    return { loss, grad };
  } finally {
    if (!binding) landscape.destroy();
  }
}
