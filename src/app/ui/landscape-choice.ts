/**
 * The landscapes the app builds from scene state rather than taking from the registry: a formula
 * (compiled by the formula compiler, the only way user text reaches WGSL), the founding post's
 * polynomial model and the tiny teacher–student network. Validators used by the schema, and one
 * resolver (cached, so an unchanged formula is never recompiled) used by the lab.
 */
import { CONSTANT_RANGE, formulaLandscape } from '../../core/landscapes/formula/landscape';
import { FormulaError, MAX_FORMULA_LENGTH, parseFormula } from '../../core/landscapes/formula/parse';
import { findLandscape, type Landscape, landscapes } from '../../core/landscapes/landscapes';
import { type Activation, mlpDefaults, mlpLandscape } from '../../core/landscapes/models/mlp';
import { MAX_POLY_POINTS, parseData, polynomialLandscape } from '../../core/landscapes/models/polynomial';
import { parseRrrSpec, rrrLandscape } from '../../core/landscapes/models/rrr';

export const APP_LANDSCAPES = ['formula', 'poly', 'mlp', 'rrr'] as const;
export type AppLandscapeId = (typeof APP_LANDSCAPES)[number];

/** Longest text the schema accepts for a formula; the parser's own limit (with a position) is lower. */
export const MAX_FORMULA_TEXT = 2 * MAX_FORMULA_LENGTH;

const TITLES: Record<AppLandscapeId, string> = {
  formula: 'Formula (type a loss)',
  poly: 'Polynomial model (the post’s 15-D)',
  mlp: 'Tiny network (teacher → student)',
  rrr: 'Reduced-rank regression (exact λ)',
};

/** The dropdown title of a landscape id. */
export function landscapeTitle(id: string): string {
  return findLandscape(id)?.title ?? TITLES[id as AppLandscapeId] ?? id;
}

/** Formula text: the parser's verdict, with the 1-based position. */
export function checkFormula(text: string): string | null {
  return formulaProblem(text)?.message ?? null;
}

/** The parse error of a formula (reason, 0-based position, caret pointer), or null. */
export function formulaProblem(text: string): FormulaError | null {
  try {
    parseFormula(text);
    return null;
  } catch (e) {
    if (e instanceof FormulaError) return e;
    throw e;
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** `name=value,…` → map; throws a RangeError naming the bad entry. */
export function parseConstants(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (text.trim() === '') return out;
  for (const entry of text.split(',')) {
    const [name, value, ...rest] = entry.split('=').map((s) => s.trim());
    const v = Number(value);
    if (
      rest.length > 0 ||
      !NAME.test(name ?? '') ||
      value === undefined ||
      value === '' ||
      !Number.isFinite(v)
    )
      throw new RangeError(`expected name=number, got '${entry}'`);
    if (Math.abs(v) > CONSTANT_RANGE)
      throw new RangeError(`${name} must be in [−${CONSTANT_RANGE}, ${CONSTANT_RANGE}]`);
    out[name] = v;
  }
  return out;
}

/** The message `parse` throws for `text`, or null when it accepts it (the schema's validators). */
function problemOf(parse: (text: string) => unknown, text: string): string | null {
  try {
    parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function checkConstants(text: string): string | null {
  return problemOf(parseConstants, text);
}

/** Sets one constant in `name=value,…` text (canonical order: as given, new names appended). */
export function withConstant(text: string, name: string, value: number): string {
  const map = parseConstants(text);
  map[name] = Number(value.toPrecision(6));
  return Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function parsePolyM(text: string): number[] {
  const m = text.split(',').map((s) => Number(s.trim()));
  if (m.length !== 5 || m.some((k) => !Number.isInteger(k) || k < 0 || k > 8))
    throw new RangeError(`expected five integers m0,…,m4 in [0, 8], got '${text}'`);
  const d = m.reduce((a, b) => a + b, 0);
  if (d < 2 || d > 32) throw new RangeError(`the counts must add up to 2..32 parameters, got ${d}`);
  return m;
}

export function checkPolyM(text: string): string | null {
  return problemOf(parsePolyM, text);
}

/** The shape of reduced-rank regression, M=…,N=…,H=…,r=… (built once, so its exact λ is checked too). */
export function checkRrrSpec(text: string): string | null {
  return problemOf((t) => rrrLandscape(parseRrrSpec(t)), text);
}

export function checkPolyData(text: string): string | null {
  try {
    const data = parseData(text);
    if (data.length > MAX_POLY_POINTS) return `at most ${MAX_POLY_POINTS} points`;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

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
