/**
 * The one rule for every command and the app (issue 16): a result that is not finite, a run in which
 * every walker diverged, or one whose acceptance shows the walkers never moved, is not a result. It is
 * reported as an error naming the cause it can tell (the formula's domain, an f32 overflow, the step
 * size), never printed as `null`, `NaN` or a λ̂ of 0 that measures nothing.
 *
 * The cause comes from the landscape's f64 twin (`Landscape.loss`): evaluated at w* and at points
 * along each axis around it, a NaN says "domain", ±∞ a pole, a value past f32's 3.4e38 an overflow.
 */
import { F32_MAX } from '../limits';
import type { PosteriorSettings, SamplerKind } from '../posterior';

export class ResultError extends Error {
  override readonly name = 'ResultError';
}

const fmtPoint = (w: readonly number[]) => `(${w.map((x) => Number(x.toPrecision(4))).join(', ')})`;
const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : String(x));

/** What is wrong with the loss at one point, or undefined when nothing is. */
function lossProblem(p: PosteriorSettings, w: readonly number[]): string | undefined {
  let loss: number;
  try {
    loss = p.landscape.loss(w, p.params);
  } catch {
    return undefined;
  }
  const at = `at w = ${fmtPoint(w)}`;
  if (Number.isNaN(loss))
    return `the loss is not a number ${at}: the formula is outside its domain there (the square root or log of a negative number, 0/0, …)`;
  if (!Number.isFinite(loss))
    return `the loss is infinite ${at}: a division by zero or a pole of the formula`;
  if (Math.abs(loss) > F32_MAX)
    return `the loss ${at} is ${fmt(loss)}, beyond f32's largest value 3.4e38 (overflow)`;
  const energy = p.n * p.beta * loss;
  if (Math.abs(energy) > F32_MAX)
    return `n·β·L_n ${at} is ${fmt(energy)}, beyond f32's largest value 3.4e38 (overflow)`;
  return undefined;
}

/**
 * The first problem of the loss at w* or near it (along each axis, out to the prior's scale), or
 * undefined. Walkers visit that neighbourhood, so a problem there explains a failed run.
 */
export function diagnoseLoss(p: PosteriorSettings): string | undefined {
  const atStar = lossProblem(p, p.wstar);
  if (atStar) return atStar.replace('at w =', 'at w* =');
  for (const f of [1e-3, 1e-2, 0.1, 0.3, 1]) {
    const h = f * p.prior.scale;
    for (let j = 0; j < p.wstar.length; j++) {
      for (const s of [1, -1]) {
        const w = [...p.wstar];
        w[j] += s * h;
        const problem = lossProblem(p, w);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

export interface RunOutcome {
  /** The reported numbers that must be finite, by the name the output uses (lambda_hat, …). */
  readonly values: Readonly<Record<string, number>>;
  readonly sampler: SamplerKind;
  /** Acceptance over the sampling phase (MALA). */
  readonly acceptance: number;
  /** Divergences counted by the engine (each a walker re-drawn from the prior). */
  readonly diverged: number;
  /** Walkers × sampling steps: divergences at least this many mean every walker diverged. */
  readonly walkerSteps: number;
  readonly eps: number;
  /** True when the user fixed the step (the advice then names --step). */
  readonly stepGiven: boolean;
  /** How the step is named in the advice (default '--step'; the app: 'step ε'). */
  readonly stepName?: string;
  /** What the result is of, for the message ("n = 1000"). */
  readonly label?: string;
}

/** Why the run is no result, or undefined when it is one. */
export function runFailure(o: RunOutcome, posterior?: PosteriorSettings): string | undefined {
  const bad = Object.entries(o.values).filter(([, x]) => !Number.isFinite(x));
  const allDiverged = o.diverged >= o.walkerSteps;
  const stuck = o.sampler === 'mala' && o.acceptance === 0;
  // λ̂ is measured against L_n(w*): where that is not finite in exact arithmetic, whatever f32 made of
  // it (w1^-0.5 at 0 gave 1.3e19 and λ̂ = −2.9e18) is no reference point.
  const star = posterior ? lossProblem(posterior, posterior.wstar) : undefined;
  if (star)
    return `no result${o.label ? ` (${o.label})` : ''}: λ̂ is measured against L_n(w*), and ${star.replace('at w =', 'at w* =')}; choose another --wstar or formula`;
  if (bad.length === 0 && !allDiverged && !stuck) return undefined;
  const what = o.label ? ` (${o.label})` : '';
  const head =
    bad.length > 0
      ? `no result${what}: ${bad.map(([k, x]) => `${k} = ${x}`).join(', ')} is not a finite number`
      : allDiverged
        ? `no result${what}: every walker diverged (${o.diverged} divergences in ${o.walkerSteps} walker-steps)`
        : `no result${what}: no proposal was accepted (acceptance 0 in ${o.walkerSteps} walker-steps): the walkers never moved, so the estimate measures nothing`;
  const cause = posterior ? diagnoseLoss(posterior) : undefined;
  const step = o.stepGiven
    ? `the step size ${o.stepName ?? '--step'} ${fmt(o.eps)} is too large for this posterior: lower ${o.stepName ?? '--step'}`
    : `even the tuned step size ε = ${fmt(o.eps)} fails: the posterior is too sharp for f32 (lower n·β, γ or the formula's scale) or set a smaller ${o.stepName ?? '--step'}`;
  return `${head}; cause: ${cause ?? (bad.length > 0 && !allDiverged && !stuck ? 'an overflow of f32 (max 3.4e38) in the shaders' : step)}`;
}

/** Throws ResultError when runFailure finds the run is no result. */
export function assertResult(o: RunOutcome, posterior?: PosteriorSettings): void {
  const failure = runFailure(o, posterior);
  if (failure) throw new ResultError(failure);
}
