/**
 * Flag handling shared by every `occam-lens` command: strict parsing, validators and the translation of
 * library errors. Each bad flag or value becomes a UsageError whose message names the flag; runCli
 * (main.ts) turns that into exit status 2.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describe, type Range, within } from '../core/limits';
import { decimal } from '../scene/specs';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Strict<O extends Options, P extends boolean> = {
  args: string[];
  options: O;
  allowPositionals: P;
  strict: true;
};

/** Flags that take a value: strings to node:util, checked afterwards by num, oneOf and the like. */
export function valueFlags<const N extends string>(...names: N[]): { [K in N]: { type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as {
    [K in N]: { type: 'string' };
  };
}

/** The switches every command takes: --json (stdout), --quiet (no progress on stderr), --help. */
export const REPORT_FLAGS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** node:util's strict parse; its messages name the flag ("Unknown option '--foo'", "Option '--n <value>' argument missing"). */
export function parseFlags<const O extends Options, P extends boolean = true>(
  argv: readonly string[],
  options: O,
  allowPositionals: P = true as P,
): ReturnType<typeof parseArgs<Strict<O, P>>> {
  try {
    return parseArgs<Strict<O, P>>({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The flags of a subcommand that takes no other words; with --help, stray words are let pass (help wins). */
export function subcommandFlags<const O extends Options & { help: { type: 'boolean' } }>(
  argv: readonly string[],
  options: O,
) {
  const { values, positionals } = parseFlags(argv, options);
  if (!(values as { help?: boolean }).help && positionals.length > 0)
    throw new UsageError(`unexpected argument '${positionals[0]}'`);
  return values;
}

/** A number that passes `check`, or `fallback` when the flag is absent; `what` describes the valid values. */
export function num(
  name: string,
  text: string | undefined,
  fallback: number,
  check: (x: number) => boolean,
  what: string,
): number {
  if (text === undefined) return fallback;
  const x = decimal(text);
  if (!Number.isFinite(x) || !check(x)) {
    throw new UsageError(`--${name}: expected ${what}, got '${text}'`);
  }
  return x;
}

/** num with a range from src/core/limits.ts (the f32 bounds): the message states the limit. */
export function limited(name: string, text: string | undefined, fallback: number, range: Range): number {
  return num(name, text, fallback, (x) => within(range, x), describe(range));
}

/** Like num, but undefined when the flag is absent (the caller then chooses, e.g. tunes a step size). */
export function optionalNum(
  name: string,
  text: string | undefined,
  check: (x: number) => boolean,
  what: string,
): number | undefined {
  return text === undefined ? undefined : num(name, text, 0, check, what);
}

/** A comma-separated list of numbers, each passing `check`. */
export function numList(name: string, text: string, check: (x: number) => boolean, what: string): number[] {
  return text.split(',').map((t) => num(name, t, 0, check, what));
}

/** Integers in [lo, hi]; hi = SAFE_MAX makes them safe integers. */
export const intIn =
  (lo: number, hi = Number.POSITIVE_INFINITY) =>
  (x: number) =>
    Number.isInteger(x) && x >= lo && x <= hi;
export const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/**
 * --seed: every command's seed is a safe integer ≥ 0 (wider than the app's 32-bit URL seeds); the
 * default is the scene schema's where the seed is a scene setting, else 1.
 */
export const seedFlag = (text: string | undefined, fallback = 1) =>
  num('seed', text, fallback, intIn(0, SAFE_MAX), 'an integer in [0, 2^53)');

function pick<T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
  expected: string,
): T {
  const value = text ?? fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name}: expected ${expected}, got '${value}'`);
  return value as T;
}

/** One of a few words, the error listing them as "a or b". */
export const oneOf = <T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
) => pick(name, text, allowed, fallback, allowed.join(' or '));

/** One of a longer list, the error listing them as "one of a, b, c". */
export const choice = <T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
) => pick(name, text, allowed, fallback, `one of ${allowed.join(', ')}`);

/**
 * For asUsage: a RangeError (a value the device or engine cannot take) as a usage error; one about the
 * walker count names --walkers, followed by `note`.
 */
export const rangeAsUsage =
  (note = '') =>
  (err: unknown): string | undefined =>
    err instanceof RangeError
      ? err.message.startsWith('walkers')
        ? `--${err.message}${note}`
        : err.message
      : undefined;

/**
 * Runs `work` (sync or async). An error that `message` maps to a text is rethrown as a UsageError with
 * that text (a library's RangeError about a value the user chose); any other error passes unchanged.
 */
export function asUsage<T>(work: () => T, message: (err: unknown) => string | undefined): T {
  const translate = (err: unknown): never => {
    const text = message(err);
    throw text === undefined ? err : new UsageError(text);
  };
  try {
    const result = work();
    return (result instanceof Promise ? result.catch(translate) : result) as T;
  } catch (err) {
    return translate(err);
  }
}
