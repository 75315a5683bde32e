/**
 * Is w* a local minimum of L? λ̂ = nβ(E[L] − L(w*)) is the local learning coefficient only there;
 * elsewhere it is meaningless and can be large and negative (a circle valley with w* at its centre,
 * a local maximum, gave λ̂ = −270 silently). Two checks on the TypeScript twin before a run, and one
 * on the result after it.
 */
import type { PosteriorSettings } from '../posterior';

/** Loss drops (in units of 1/nβ) beyond this count as "not a minimum": the posterior would move there. */
const DROP = 3;

/**
 * Warnings (empty when none) from the gradient at w* (√nβ·|∇L|: the loss change over one posterior
 * width 1/√nβ, in units of 1/nβ) and from probes at 0.3, 1 and 3 posterior widths along ±each axis
 * and 8 fixed oblique directions.
 */
export function wstarWarnings(
  s: Pick<PosteriorSettings, 'landscape' | 'params' | 'wstar' | 'n' | 'beta' | 'prior'>,
): string[] {
  const nbeta = s.n * s.beta;
  const d = s.landscape.dim;
  const l0 = s.landscape.loss(s.wstar, s.params);
  const out: string[] = [];
  if (!Number.isFinite(l0)) return [`L(w*) is not a number at w* = (${s.wstar.join(', ')})`];
  const g = s.landscape.grad(s.wstar, s.params);
  const gnorm = Math.sqrt(g.reduce((t, v) => t + v * v, 0));
  if (Math.sqrt(nbeta) * gnorm > DROP)
    out.push(
      `the gradient at w* is |∇L| = ${gnorm.toPrecision(3)} (L changes by ${(Math.sqrt(nbeta) * gnorm).toPrecision(3)}/nβ over one posterior width 1/√(nβ)): w* is not a critical point, so λ̂ there is not a learning coefficient`,
    );
  const dirs: number[][] = [];
  for (let i = 0; i < d; i++)
    for (const sign of [1, -1]) dirs.push(Array.from({ length: d }, (_, j) => (j === i ? sign : 0)));
  // Fixed oblique directions (a golden-ratio sequence, normalised): seeded, so warnings reproduce.
  for (let k = 1; k <= 8; k++) {
    const v = Array.from({ length: d }, (_, j) => (((k * 0.618034 + j * 0.754878) % 1) - 0.5) * 2);
    const norm = Math.sqrt(v.reduce((t, x) => t + x * x, 0)) || 1;
    dirs.push(v.map((x) => x / norm));
  }
  let worst = 0;
  let where = 0;
  for (const r of [0.3, 1, 3].map((k) => Math.min(k / Math.sqrt(nbeta), s.prior.scale))) {
    for (const u of dirs) {
      const l = s.landscape.loss(
        s.wstar.map((w, j) => w + r * u[j]),
        s.params,
      );
      const drop = nbeta * (l0 - l);
      if (drop > worst) {
        worst = drop;
        where = r;
      }
    }
  }
  if (worst > DROP)
    out.push(
      `L drops by ${worst.toPrecision(3)}/nβ within ${where.toPrecision(2)} of w* (${(where * Math.sqrt(nbeta)).toPrecision(2)} posterior widths): w* is not a local minimum, so λ̂ there is not a learning coefficient (set --wstar to a minimum)`,
    );
  return out;
}

/** The after-run check: λ̂ negative beyond 3 SE means E[L] < L(w*), i.e. the posterior found lower loss. */
export function negativeLambdaWarning(lambdaHat: number, se: number): string | null {
  if (!(lambdaHat + 3 * se < 0)) return null;
  return `λ̂ = ${lambdaHat.toPrecision(3)} is negative beyond 3 SE (± ${se.toPrecision(2)}): the posterior sits at lower loss than L(w*), so w* is not a local minimum and λ̂ is not a learning coefficient`;
}
