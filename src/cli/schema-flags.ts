/**
 * The CLI's flags that are scene settings, generated from the schema fields that carry `cli`: their
 * names (for node:util), defaults (for parsing and --help) and, where the app and the CLI accept the
 * same values, the range check. A command that deliberately differs from the app names the flag in its
 * overrides, next to the flag, with the reason.
 */
import { type CliCommand, type Field, type Key, type Schema, schema } from '../scene/schema';
import { intIn, num } from './flags';

type CliKey<C extends CliCommand, F extends string> = {
  [K in Key]: Schema[K] extends { readonly cli: { readonly command: C; readonly flag: F } } ? K : never;
}[Key];
type FlagOf<K extends Key> = Schema[K] extends { readonly cli: { readonly flag: infer F extends string } }
  ? F
  : never;

/** The flags of `command` that set a scene field. */
export type SchemaFlag<C extends CliCommand> = {
  [K in Key]: Schema[K] extends { readonly cli: { readonly command: C } } ? FlagOf<K> : never;
}[Key];

/** Each of those flags' value when absent. */
export type SchemaDefaults<C extends CliCommand> = {
  readonly [F in SchemaFlag<C>]: Schema[CliKey<C, F>]['default'];
};

/** The schema fields of `command`'s flags, by flag name. */
export function schemaFields<C extends CliCommand>(command: C): Readonly<Record<SchemaFlag<C>, Field>> {
  const out: Record<string, Field> = {};
  for (const f of Object.values(schema) as Field[]) if (f.cli?.command === command) out[f.cli.flag] = f;
  return out as Record<SchemaFlag<C>, Field>;
}

/** The names of `command`'s schema flags, for valueFlags. */
export const schemaFlagNames = <C extends CliCommand>(command: C): SchemaFlag<C>[] =>
  Object.keys(schemaFields(command)) as SchemaFlag<C>[];

/** `command`'s flag defaults: the schema's, except the `overrides` where the CLI deliberately differs. */
export function schemaDefaults<C extends CliCommand>(
  command: C,
  overrides: Partial<SchemaDefaults<C>> = {},
): SchemaDefaults<C> {
  const out: Record<string, unknown> = {};
  for (const [flag, f] of Object.entries(schemaFields(command))) out[flag] = (f as Field).default;
  return { ...out, ...overrides } as SchemaDefaults<C>;
}

/**
 * An integer flag whose valid values are exactly its schema field's range (the app's rule is the
 * CLI's): "--flag: expected an integer in min..max".
 */
export function schemaInt<C extends CliCommand>(
  command: C,
  flag: SchemaFlag<C>,
  text: string | undefined,
  fallback: number,
): number {
  const f = schemaFields(command)[flag];
  if (f.kind !== 'number' || !f.integer) throw new Error(`schema field of --${flag} is not an integer`);
  return num(flag, text, fallback, intIn(f.min, f.max), `an integer in ${f.min}..${f.max}`);
}
