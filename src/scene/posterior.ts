/**
 * Scene → posterior settings, in one place: the frame loop's engine, the exact grid, the app's group
 * analyses and the CLI (whose flags carry the same fields) all build their posterior here.
 */
import type { PosteriorSettings } from '../core/posterior';
import type { GridPosterior } from '../gpu/grid-compute';
import type { Derived } from './derive';
import type { SceneState } from './schema';

/** Exactly the posterior's fields of anything that carries them (a run's parsed flags, say). */
export function posteriorOf(p: PosteriorSettings): PosteriorSettings {
  const { landscape, params, n, beta, gamma, prior, wstar } = p;
  return { landscape, params, n, beta, gamma, prior, wstar };
}

/** The posterior a scene describes (each analysis group may then set its own n·β). */
export function scenePosterior(s: SceneState, d: Derived): PosteriorSettings {
  return posteriorOf({
    landscape: d.landscape,
    params: d.params,
    n: s.n,
    beta: d.beta,
    gamma: s.gamma,
    prior: { kind: s.prior, scale: s.R },
    wstar: d.wstar,
  });
}

/** The same posterior as the exact-grid kernels take it: n and β only through n·β. */
export function gridPosteriorOf(p: PosteriorSettings): GridPosterior {
  const { landscape, params, gamma, prior, wstar } = p;
  return { landscape, params, nbeta: p.n * p.beta, gamma, prior, wstar };
}
