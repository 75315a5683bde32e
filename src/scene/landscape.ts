/**
 * The landscapes a scene builds from its own fields rather than taking from the registry: a formula
 * (compiled by the formula compiler, the only way user text reaches WGSL), the founding post's
 * polynomial model, the tiny teacher–student network and reduced-rank regression. One resolver
 * (cached, so an unchanged formula is never recompiled) for derive, the controls and the tests.
 */
import { formulaLandscape } from '../core/landscapes/formula/landscape';
import { parseFormula } from '../core/landscapes/formula/parse';
import { findLandscape, type Landscape, landscapes } from '../core/landscapes/landscapes';
import { type Activation, mlpDefaults, mlpLandscape } from '../core/landscapes/models/mlp';
import { parseData, polynomialLandscape } from '../core/landscapes/models/polynomial';
import { parseRrrSpec, rrrLandscape } from '../core/landscapes/models/rrr';
import { parseConstants, parsePolyM } from './specs';

export const APP_LANDSCAPES = ['formula', 'poly', 'mlp', 'rrr'] as const;
export type AppLandscapeId = (typeof APP_LANDSCAPES)[number];

/** The fields of the scene state a landscape choice reads (a structural subset of SceneState). */
export interface LandscapeFields {
  readonly landscape: string;
  readonly a: number;
  readonly b: number;
  readonly formula: string;
  readonly fdim: number;
  readonly consts: string;
  readonly polyM: string;
  readonly polyData: string;
  readonly sigma: number;
  readonly mlpInputs: number;
  readonly mlpWidth: number;
  readonly mlpTeacher: number;
  readonly mlpAct: string;
  readonly sharpness: number;
  readonly rrrSpec: string;
}

export interface ResolvedLandscape {
  readonly landscape: Landscape;
  /** Identifies the compiled landscape: equal keys, same WGSL (so the same engine and pipelines). */
  readonly key: string;
  /** Parameter values (uniforms) in the landscape's order. */
  readonly params: number[];
  /** Why the requested landscape could not be built (the registry's first is used instead). */
  readonly error: string | null;
}

const cache = new Map<string, Landscape>();
function cached(key: string, build: () => Landscape): Landscape {
  let l = cache.get(key);
  if (!l) {
    l = build();
    if (cache.size > 32) cache.delete(cache.keys().next().value as string);
    cache.set(key, l);
  }
  return l;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function build(s: LandscapeFields): { landscape: Landscape; key: string; params: number[] } {
  if (s.landscape === 'formula') {
    // Keyed by the text and the requested dimension (which fix the compiled dimension): no parse per frame.
    const key = `formula|${s.fdim}|${s.formula}`;
    const landscape = cached(key, () => {
      const dim = Math.max(2, parseFormula(s.formula).paramsUsed, s.fdim);
      return formulaLandscape(s.formula, { dim });
    });
    const values = parseConstants(s.consts);
    const params = landscape.params.map((p) => clamp(values[p.name] ?? p.default, p.min, p.max));
    return { landscape, key, params };
  }
  if (s.landscape === 'poly') {
    const key = `poly|${s.polyM}|${s.polyData}`;
    const landscape = cached(key, () => polynomialLandscape(parsePolyM(s.polyM), parseData(s.polyData)));
    return { landscape, key, params: [s.sigma] };
  }
  if (s.landscape === 'mlp') {
    const o = {
      ...mlpDefaults,
      inputs: s.mlpInputs,
      width: s.mlpWidth,
      teacherWidth: s.mlpTeacher,
      activation: s.mlpAct as Activation,
    };
    const key = `mlp|${o.inputs}|${o.width}|${o.teacherWidth}|${o.activation}`;
    const landscape = cached(key, () => mlpLandscape(o));
    return { landscape, key, params: [s.sigma, s.sharpness] };
  }
  if (s.landscape === 'rrr') {
    const key = `rrr|${s.rrrSpec}`;
    const landscape = cached(key, () => rrrLandscape(parseRrrSpec(s.rrrSpec)));
    return { landscape, key, params: [s.sigma] };
  }
  const landscape = findLandscape(s.landscape) ?? landscapes[0];
  const params = landscape.params.map((p) => (p.name === 'a' ? s.a : p.name === 'b' ? s.b : p.default));
  return { landscape, key: landscape.id, params };
}

/** The landscape a state asks for; a state that cannot be built falls back to the registry's first. */
export function resolveSceneLandscape(s: LandscapeFields): ResolvedLandscape {
  try {
    return { ...build(s), error: null };
  } catch (e) {
    const landscape = landscapes[0];
    return { landscape, key: landscape.id, params: [], error: (e as Error).message };
  }
}
