/**
 * Which landscape a run uses: a built-in (--landscape), a formula (--formula, --const, --dim) or a
 * model (--model poly:… | mlp:…, --data, --sigma, --sharpness). Exactly one of the three.
 */

import { formulaLandscape } from '../core/landscapes/formula/landscape';
import { FormulaError } from '../core/landscapes/formula/parse';
import { findLandscape, type Landscape, landscapes, resolveParams } from '../core/landscapes/landscapes';
import { dlnLandscape, parseDlnSpec } from '../core/landscapes/models/dln';
import { type MlpOptions, mlpDefaults, mlpLandscape } from '../core/landscapes/models/mlp';
import { parseData, polynomialLandscape } from '../core/landscapes/models/polynomial';
import { parseRrrSpec, rrrLandscape } from '../core/landscapes/models/rrr';
import { describe, LIMITS, within } from '../core/limits';
import { decimal, parseConstantEntry, parseMlpSpec as parseMlpOptions, parsePolyM } from '../scene/specs';
import { UsageError } from './flags';

export interface LandscapeFlags {
  readonly landscape?: string;
  readonly a?: string;
  readonly b?: string;
  readonly formula?: string;
  readonly const?: string[];
  readonly dim?: string;
  readonly model?: string;
  readonly data?: string;
  readonly sigma?: string;
  readonly sharpness?: string;
}

const fail = (flag: string, message: string): never => {
  throw new UsageError(`--${flag}: ${message}`);
};

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = decimal(text);
  if (!Number.isFinite(x)) fail(flag, `expected a number, got '${text}'`);
  return x;
}

/** What `work` returns; a library's error (a RangeError with the reason) becomes a UsageError naming `flag`. */
function orFail<T>(flag: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return fail(flag, (err as Error).message);
  }
}

/** The options of `mlp:key=value,…` (the text after `mlp:`); throws UsageError naming --model. */
export const parseMlpSpec = (rest: string): Partial<MlpOptions> =>
  orFail('model', () => parseMlpOptions(rest));

/** Models that draw their data from a seeded teacher take no --data. */
function noData(kind: string, flags: LandscapeFlags): void {
  if (flags.data !== undefined)
    fail('data', `${kind} draws its data from the teacher: use points=N and seed=K in --model`);
}

function parseModel(spec: string, flags: LandscapeFlags): Landscape {
  const [kind, rest = ''] = spec.split(/:(.*)/s);
  if (kind === 'poly') {
    const m = orFail('model', () => parsePolyM(rest, 1));
    const text = flags.data;
    const data = text === undefined ? undefined : orFail('data', () => parseData(text));
    return orFail('model', () => polynomialLandscape(m, data));
  }
  if (kind === 'mlp') {
    noData(kind, flags);
    const options = parseMlpSpec(rest);
    return orFail('model', () => mlpLandscape({ ...mlpDefaults, ...options }));
  }
  if (kind === 'rrr') {
    noData(kind, flags);
    return orFail('model', () => rrrLandscape(parseRrrSpec(rest)));
  }
  if (kind === 'dln') {
    noData(kind, flags);
    return orFail('model', () => dlnLandscape(parseDlnSpec(rest)));
  }
  return fail(
    'model',
    `expected poly:m0,…,m4, mlp:key=value,…, rrr:M=…,N=…,H=…,r=… or dln:widths=…,r=…, got '${spec}'`,
  );
}

/** The landscape and its parameter values from the flags; throws UsageError naming the flag. */
export function resolveLandscape(flags: LandscapeFlags): { landscape: Landscape; params: number[] } {
  const chosen = (['landscape', 'formula', 'model'] as const).filter((k) => flags[k] !== undefined);
  if (chosen.length === 0) throw new UsageError('one of --landscape, --formula or --model is required');
  if (chosen.length > 1)
    throw new UsageError(`--${chosen[0]} and --${chosen[1]} cannot be combined: choose one`);
  const values: Record<string, number> = {};
  let landscape: Landscape;
  if (flags.formula !== undefined) {
    const constants: Record<string, number> = {};
    for (const entry of flags.const ?? []) {
      const c = parseConstantEntry(entry);
      if (c === null) return fail('const', `expected NAME=NUMBER, got '${entry}'`);
      if (!within(LIMITS.coordinate, c.value))
        fail('const', `${c.name} must be ${describe(LIMITS.coordinate)}, got ${c.value}`);
      constants[c.name] = c.value;
    }
    const dim = number('dim', flags.dim);
    try {
      landscape = formulaLandscape(flags.formula, { dim, constants });
    } catch (err) {
      if (err instanceof FormulaError) {
        const flag = /dimension/.test(err.reason)
          ? 'dim'
          : /constant/.test(err.reason) && flags.const
            ? 'const'
            : 'formula';
        return fail(flag, `${err.message}\n${err.pointer}`);
      }
      throw err;
    }
    for (const p of landscape.params) values[p.name] = constants[p.name] ?? p.default;
  } else {
    if (flags.const !== undefined) fail('const', 'only with --formula');
    if (flags.dim !== undefined) fail('dim', 'only with --formula');
    if (flags.model !== undefined) {
      landscape = parseModel(flags.model, flags);
    } else {
      if (flags.data !== undefined) fail('data', 'only with --model poly:…');
      const found = findLandscape(flags.landscape!);
      if (!found)
        fail(
          'landscape',
          `unknown landscape '${flags.landscape}'; known: ${landscapes.map((l) => l.id).join(', ')}`,
        );
      landscape = found!;
    }
  }
  for (const name of ['a', 'b', 'sigma', 'sharpness'] as const) {
    const x = number(name, flags[name]);
    if (x === undefined) continue;
    if (!landscape.params.some((p) => p.name === name))
      fail(name, `landscape '${landscape.id}' has no parameter '${name}'`);
    values[name] = x;
  }
  try {
    return { landscape, params: resolveParams(landscape, values) };
  } catch (err) {
    const name = Object.keys(values).find((k) => String((err as Error).message).includes(`'${k}'`)) ?? 'a';
    return fail(name, (err as Error).message);
  }
}
