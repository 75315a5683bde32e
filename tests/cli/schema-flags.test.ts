// Every scene field with a CLI flag: the command accepts the flag, and its default there is the
// schema's unless the command lists it as an override.
import { describe, expect, test } from 'vitest';
import { parseCli, RUN_OVERRIDES, type RunArgs } from '../../src/cli/args';
import { parseRandnet, type RandnetArgs } from '../../src/cli/commands/randnet';
import { parseSgdVsBayes } from '../../src/cli/commands/sgd-vs-bayes';
import { UsageError } from '../../src/cli/flags';
import { schemaDefaults, schemaFields, schemaFlagNames, schemaInt } from '../../src/cli/schema-flags';
import { parseHiddenWidths } from '../../src/core/function-space/randnet';
import { type CliCommand, keys, schema } from '../../src/scene/schema';

const text = (x: unknown) => String(x);

/** The parsed value of each flag, read back from what the command's parser returns. */
const run = (argv: string[]): RunArgs => {
  const p = parseCli(['llc', '--landscape', 'crossing', ...argv]);
  if (p.kind !== 'run') throw new Error('not a run');
  return p.args;
};
const randnet = (argv: string[]): RandnetArgs => {
  const p = parseRandnet(argv);
  if (p.kind !== 'run') throw new Error('not a run');
  return p.args;
};
const sgd = (argv: string[]) => {
  const p = parseSgdVsBayes(['--target', '0011', ...argv]);
  if (p.kind !== 'run' || p.args.kind !== 'bool') throw new Error('not a Boolean run');
  return p.args;
};
type Net = RandnetArgs['net'];
/** The network flags are named as the network's fields. */
const netValue = (net: Net, flag: string): unknown => net[flag as keyof Net];

const parsers: Record<CliCommand, (argv: string[], flag: string) => unknown> = {
  run: (argv, flag) => run(argv)[flag as keyof RunArgs],
  randnet: (argv, flag) => (flag === 'seed' ? randnet(argv).net.seed : netValue(randnet(argv).net, flag)),
  'sgd-vs-bayes': (argv, flag) => {
    const a = sgd(argv);
    const train: Record<string, unknown> = {
      train: a.task.train.length,
      seed: a.net.seed,
      optimizer: a.train.optimizer,
      lr: a.train.lr,
      loss: a.train.loss,
      'batch-size': a.train.batch,
      'max-epochs': a.train.maxEpochs,
      runs: a.runs,
      samples: a.samples,
    };
    return flag in train ? train[flag] : netValue(a.net, flag);
  },
};
const overrides: Record<CliCommand, Readonly<Record<string, unknown>>> = {
  run: RUN_OVERRIDES,
  randnet: {},
  'sgd-vs-bayes': {},
};
/** The schema's default as the parser returns it (hidden widths as numbers). */
const parsedDefault = (flag: string, def: unknown) =>
  flag === 'hidden' ? parseHiddenWidths(def as string) : def;

const flagged = keys.filter((k) => schema[k].cli !== undefined);

describe('schema fields with a CLI flag', () => {
  test('there are some for every command', () => {
    for (const c of ['run', 'randnet', 'sgd-vs-bayes'] as const)
      expect(flagged.some((k) => schema[k].cli?.command === c)).toBe(true);
  });

  test.each(flagged)('%s: accepted under its flag, with the schema default unless overridden', (key) => {
    const f = schema[key];
    const { command, flag } = f.cli!;
    expect(schemaFlagNames(command)).toContain(flag);
    expect(schemaFields(command)[flag as never]).toBe(f);
    const parse = parsers[command];
    const expected = flag in overrides[command] ? overrides[command][flag] : f.default;
    expect(schemaDefaults(command, overrides[command])[flag as never]).toBe(expected);
    // Absent: the default; given (as the default's text): accepted, the same value.
    expect(parse([], flag)).toEqual(parsedDefault(flag, expected));
    expect(parse([`--${flag}`, text(expected)], flag)).toEqual(parsedDefault(flag, expected));
  });

  test('the overrides are flags of their command', () => {
    for (const [c, o] of Object.entries(overrides))
      for (const flag of Object.keys(o)) expect(schemaFlagNames(c as CliCommand)).toContain(flag);
  });
});

describe('schemaInt', () => {
  test("the schema field's range, stated in the message", () => {
    expect(schemaInt('sgd-vs-bayes', 'batch-size', '128', 32)).toBe(128);
    expect(schemaInt('sgd-vs-bayes', 'batch-size', undefined, 32)).toBe(32);
    expect(() => schemaInt('sgd-vs-bayes', 'batch-size', '129', 32)).toThrow(UsageError);
    expect(() => schemaInt('sgd-vs-bayes', 'batch-size', '0.5', 32)).toThrow(
      "--batch-size: expected an integer in 1..128, got '0.5'",
    );
  });

  test("randnet's and sgd-vs-bayes's --inputs share one range (net-flags checks both with randnet's)", () => {
    const { inputs: rn } = schemaFields('randnet');
    const { inputs: sg } = schemaFields('sgd-vs-bayes');
    expect([rn.kind === 'number' && rn.min, rn.kind === 'number' && rn.max]).toEqual([
      sg.kind === 'number' && sg.min,
      sg.kind === 'number' && sg.max,
    ]);
  });
});
