/**
 * The text specs a user types, parsed in one place for the app (the scene's text fields) and the CLI
 * (--formula/--const, --model poly:… and mlp:…, --data): numbers, named constants, polynomial
 * parameter counts and tiny-network options. Each parser throws a RangeError with the reason; the
 * app shows it beside the field, the CLI prefixes the flag's name.
 */
import { CONSTANT_RANGE } from '../core/landscapes/formula/landscape';
import { FormulaError, MAX_FORMULA_LENGTH, parseFormula } from '../core/landscapes/formula/parse';
import { ACTIVATIONS, type Activation, type MlpOptions } from '../core/landscapes/models/mlp';
import { MAX_POLY_POINTS, parseData } from '../core/landscapes/models/polynomial';
import { parseRrrSpec, rrrLandscape } from '../core/landscapes/models/rrr';

/**
 * A decimal number ('12', '-1.5', '1e6'), or NaN. Number() alone also takes '0x10', '0b1', '0o7',
 * 'Infinity' and '' (as 0): typed text is never read that way.
 */
export function decimal(text: string): number {
  const t = text.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
}

/** A constant's name: an identifier of at most 32 characters (the formula parser's own rule). */
const CONSTANT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** One `name=number` entry, or null when it is not of that form (each caller words the complaint). */
export function parseConstantEntry(entry: string): { name: string; value: number } | null {
  const eq = entry.indexOf('=');
  if (eq < 0) return null;
  const name = entry.slice(0, eq).trim();
  const value = decimal(entry.slice(eq + 1));
  return CONSTANT_NAME.test(name) && Number.isFinite(value) ? { name, value } : null;
}

/** The app's `name=value,…` text → map, each value within the constants' slider range. */
export function parseConstants(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (text.trim() === '') return out;
  for (const entry of text.split(',')) {
    const c = parseConstantEntry(entry);
    if (c === null) throw new RangeError(`expected name=number, got '${entry}'`);
    if (Math.abs(c.value) > CONSTANT_RANGE)
      throw new RangeError(`${c.name} must be in [−${CONSTANT_RANGE}, ${CONSTANT_RANGE}]`);
    out[c.name] = c.value;
  }
  return out;
}

/** Sets one constant in `name=value,…` text (canonical order: as given, new names appended). */
export function withConstant(text: string, name: string, value: number): string {
  const map = parseConstants(text);
  map[name] = Number(value.toPrecision(6));
  return Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Most parameters per coefficient of the polynomial model, and in all. */
const POLY_MAX_COUNT = 8;
const POLY_MAX_PARAMS = 32;

/**
 * The polynomial model's parameter counts `m0,…,m4`. A scene needs two parameters for its surface; the
 * CLI runs a one-parameter model too (`minParams` = 1).
 */
export function parsePolyM(text: string, minParams = 2): number[] {
  const m = text.split(',').map(decimal);
  if (m.length !== 5 || m.some((k) => !Number.isInteger(k) || k < 0 || k > POLY_MAX_COUNT))
    throw new RangeError(`expected five integers m0,…,m4 in [0, ${POLY_MAX_COUNT}], got '${text}'`);
  const d = m.reduce((a, b) => a + b, 0);
  if (d < minParams || d > POLY_MAX_PARAMS)
    throw new RangeError(`the counts must add up to ${minParams}..${POLY_MAX_PARAMS} parameters, got ${d}`);
  return m;
}

const MLP_KEYS = {
  in: 'inputs',
  width: 'width',
  teacher: 'teacherWidth',
  points: 'points',
  seed: 'dataSeed',
} as const;

/** The options of `mlp:key=value,…` (the text after `mlp:`); the network itself checks the values. */
export function parseMlpSpec(rest: string): Partial<MlpOptions> {
  const o: Record<string, number | string> = {};
  for (const part of rest ? rest.split(',') : []) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || v === undefined) throw new RangeError(`expected mlp:key=value,… got '${part}'`);
    if (k === 'act') {
      if (!ACTIVATIONS.includes(v as Activation))
        throw new RangeError(`act must be one of ${ACTIVATIONS.join(', ')}, got '${v}'`);
      o.activation = v;
    } else if (Object.hasOwn(MLP_KEYS, k)) {
      const x = Number(v);
      if (!Number.isInteger(x)) throw new RangeError(`${k} must be an integer, got '${v}'`);
      o[MLP_KEYS[k as keyof typeof MLP_KEYS]] = x;
    } else {
      throw new RangeError(`unknown mlp option '${k}' (options: in, width, teacher, act, points, seed)`);
    }
  }
  return o as Partial<MlpOptions>;
}

/** Longest text the schema accepts for a formula; the parser's own limit (with a position) is lower. */
export const MAX_FORMULA_TEXT = 2 * MAX_FORMULA_LENGTH;

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

/** The message `parse` throws for `text`, or null when it accepts it (the schema's validators). */
function problemOf(parse: (text: string) => unknown, text: string): string | null {
  try {
    parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Formula text: the parser's verdict, with the 1-based position. */
export const checkFormula = (text: string): string | null => formulaProblem(text)?.message ?? null;
export const checkConstants = (text: string): string | null => problemOf(parseConstants, text);
export const checkPolyM = (text: string): string | null => problemOf(parsePolyM, text);
/** The shape of reduced-rank regression, M=…,N=…,H=…,r=… (built once, so its exact λ is checked too). */
export const checkRrrSpec = (text: string): string | null =>
  problemOf((t) => rrrLandscape(parseRrrSpec(t)), text);

export function checkPolyData(text: string): string | null {
  try {
    const data = parseData(text);
    if (data.length > MAX_POLY_POINTS) return `at most ${MAX_POLY_POINTS} points`;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
