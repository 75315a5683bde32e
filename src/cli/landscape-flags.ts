/**
 * Which landscape a run uses: a built-in (--landscape), a formula (--formula, --const, --dim) or a
 * model (--model poly:… | mlp:…, --data, --sigma, --sharpness). Exactly one of the three.
 */

import { formulaLandscape } from '../core/landscapes/formula/landscape';
import { FormulaError } from '../core/landscapes/formula/parse';
import { findLandscape, type Landscape, landscapes, resolveParams } from '../core/landscapes/landscapes';
import { dlnLandscape, parseDlnSpec } from '../core/landscapes/models/dln';
import {
  ACTIVATIONS,
  type Activation,
  type MlpOptions,
  mlpDefaults,
  mlpLandscape,
} from '../core/landscapes/models/mlp';
import { parseData, polynomialLandscape } from '../core/landscapes/models/polynomial';
import { parseRrrSpec, rrrLandscape } from '../core/landscapes/models/rrr';
import { describe, LIMITS, within } from '../core/limits';
import { decimal, UsageError } from './flags';

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

/** The options of `mlp:key=value,…` (the text after `mlp:`); throws UsageError naming --model. */
export function parseMlpSpec(rest: string): Partial<MlpOptions> {
  const o: Record<string, number | string> = {};
  for (const part of rest ? rest.split(',') : []) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || v === undefined) fail('model', `expected mlp:key=value,… got '${part}'`);
    if (k === 'act') {
      if (!ACTIVATIONS.includes(v as Activation))
        fail('model', `act must be one of ${ACTIVATIONS.join(', ')}, got '${v}'`);
      o.activation = v;
    } else if (['in', 'width', 'teacher', 'points', 'seed'].includes(k)) {
      const x = Number(v);
      if (!Number.isInteger(x)) fail('model', `${k} must be an integer, got '${v}'`);
      o[
        { in: 'inputs', width: 'width', teacher: 'teacherWidth', points: 'points', seed: 'dataSeed' }[
          k
        ] as string
      ] = x;
    } else {
      fail('model', `unknown mlp option '${k}' (options: in, width, teacher, act, points, seed)`);
    }
  }
  return o as Partial<MlpOptions>;
}

function parseModel(spec: string, flags: LandscapeFlags): Landscape {
  const [kind, rest = ''] = spec.split(/:(.*)/s);
  if (kind === 'poly') {
    const m = rest.split(',').map((s) => Number(s.trim()));
    if (m.length !== 5 || m.some((k) => !Number.isInteger(k)))
      fail('model', `expected poly:m0,m1,m2,m3,m4 (five integers), got '${spec}'`);
    let data: { x: number; y: number }[] | undefined;
    if (flags.data !== undefined) {
      try {
        data = parseData(flags.data);
      } catch (err) {
        fail('data', (err as Error).message);
      }
    }
    try {
      return polynomialLandscape(m, data);
    } catch (err) {
      return fail('model', (err as Error).message);
    }
  }
  if (kind === 'mlp') {
    if (flags.data !== undefined)
      fail('data', 'mlp draws its data from the teacher: use points=N and seed=K in --model');
    try {
      return mlpLandscape({ ...mlpDefaults, ...parseMlpSpec(rest) });
    } catch (err) {
      if (err instanceof UsageError) throw err;
      return fail('model', (err as Error).message);
    }
  }
  if (kind === 'rrr') {
    if (flags.data !== undefined)
      fail('data', 'rrr draws its data from the teacher: use points=N and seed=K in --model');
    try {
      return rrrLandscape(parseRrrSpec(rest));
    } catch (err) {
      return fail('model', (err as Error).message);
    }
  }
  if (kind === 'dln') {
    if (flags.data !== undefined)
      fail('data', 'dln draws its data from the teacher: use points=N and seed=K in --model');
    try {
      return dlnLandscape(parseDlnSpec(rest));
    } catch (err) {
      return fail('model', (err as Error).message);
    }
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
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(entry.trim());
      const v = m ? decimal(m[2]) : Number.NaN;
      if (!m || !Number.isFinite(v)) fail('const', `expected NAME=NUMBER, got '${entry}'`);
      if (!within(LIMITS.coordinate, v))
        fail('const', `${m![1]} must be ${describe(LIMITS.coordinate)}, got ${v}`);
      constants[m![1]] = v;
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
