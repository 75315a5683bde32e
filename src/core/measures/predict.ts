/**
 * The predictions f_θ(x) of every walker of an engine at given inputs, from the model's own WGSL
 * (`predict` in shaders/models/*.wgsl, run by shaders/predict.wgsl): the one source of truth for what
 * a parameter vector computes. Used by the generalisation experiment to form the posterior predictive.
 */
import predictWgsl from '../../../shaders/predict.wgsl';
import { runOnce } from '../../gpu/compute-pass';
import { computeLayouts } from '../../gpu/layouts';
import { computePipeline } from '../../gpu/shader-assembly';
import { landscapeModule } from '../landscapes/landscape-module';
import type { Landscape } from '../landscapes/landscapes';
import type { WalkerEngine } from '../walkers/walker-engine';

/** True when a landscape's WGSL defines `predict` (the polynomial model and the tiny networks). */
export const canPredict = (landscape: Landscape): boolean => /\bfn\s+predict\s*\(/.test(landscape.wgsl);

/**
 * Predictions of walkers [first, first + count) at `inputs` (each 1 or 2 numbers): a Float32Array
 * indexed [walker − first][input]. One dispatch and one readback of count × inputs floats.
 */
export async function predictWalkers(
  engine: WalkerEngine,
  inputs: readonly (readonly number[])[],
  first = 0,
  count = engine.walkers - first,
): Promise<Float32Array> {
  const landscape = engine.settings.landscape;
  if (!canPredict(landscape)) throw new RangeError(`landscape '${landscape.id}' has no predict function`);
  if (
    !Number.isInteger(first) ||
    !Number.isInteger(count) ||
    first < 0 ||
    count < 1 ||
    first + count > engine.walkers
  )
    throw new RangeError(`walker block [${first}, ${first + count}) is outside [0, ${engine.walkers})`);
  if (inputs.length < 1) throw new RangeError('predictWalkers needs at least one input');
  const device = engine.device;
  const layouts = computeLayouts(
    device,
    'predict',
    ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    true,
  );
  const code = landscapeModule(landscape, predictWgsl);
  const pipeline = await computePipeline(
    device,
    code,
    'predict_walkers',
    layouts.pipeline,
    `${landscape.id}/predict`,
  );
  const xs = new Float32Array(2 * inputs.length);
  inputs.forEach((x, t) => {
    xs[2 * t] = x[0];
    xs[2 * t + 1] = x[1] ?? 0;
  });
  const [values] = await runOnce(device, {
    label: 'predict',
    pipeline,
    layout: layouts.group,
    uniform: new Uint32Array([count, first, inputs.length, 0]),
    inputs: [engine.positions, xs],
    outputs: [4 * count * inputs.length],
    groups: [engine.landscapeBindGroup],
    workgroups: [Math.ceil(count / 64)],
  });
  return new Float32Array(values);
}
