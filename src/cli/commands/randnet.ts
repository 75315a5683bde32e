/**
 * `occam-lens randnet`: sample random networks on the GPU (or the CPU backend, src/cpu/randnet-*.ts),
 * count the Boolean functions they compute in a hash table with one probing rule on both, and print the
 * top functions with K_LZ and the probability mass by K_LZ.
 * Parsing and execution live here; args.ts and main.ts only dispatch to `randnetMain`.
 */

import {
  ACTIVATIONS,
  MAX_HIDDEN_LAYERS,
  MAX_INPUTS,
  MAX_WIDTH,
  type RandNetConfig,
} from '../../core/function-space/randnet';
import {
  type FunctionCounter,
  FunctionSpace,
  type FunctionSummary,
  summarise,
} from '../../core/function-space/randnet-run';
import { isSoftwareDevice } from '../../core/walkers/walker-engine';
import {
  BACKEND_FLAGS,
  BACKEND_HELP,
  type Backend,
  type BackendChoice,
  chooseBackend,
  cpuDeviceDescription,
  parseBackend,
} from '../backend-flag';
import { cliDevice, helpOrRun, round } from '../command';
import {
  asUsage,
  intIn,
  num,
  optionalNum,
  REPORT_FLAGS,
  SAFE_MAX,
  seedFlag,
  subcommandFlags,
  valueFlags,
} from '../flags';
import type { CliIo } from '../io';
import { NET_FLAGS, parseNetFlags } from '../net-flags';
import { Progress } from '../progress';
import { schemaDefaults, schemaFlagNames } from '../schema-flags';

export interface RandnetArgs {
  readonly net: RandNetConfig;
  readonly samples: number;
  readonly top: number;
  readonly capacity: number;
  readonly batch: number;
  readonly maxProbes: number | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly backend: BackendChoice;
}

const options = {
  ...valueFlags(
    ...NET_FLAGS,
    ...schemaFlagNames('randnet'),
    'samples',
    'top',
    'capacity',
    'batch',
    'max-probes',
  ),
  ...BACKEND_FLAGS,
  ...REPORT_FLAGS,
};

/** The network the app's function-space mode starts with. */
const RANDNET_DEFAULTS = schemaDefaults('randnet');
const DEFAULT_CAPACITY = 2 ** 20;
const DEFAULT_BATCH = 65536;

export const RANDNET_HELP = `occam-lens randnet: which Boolean functions do random networks compute? (the parameter-function map)

Usage:
  occam-lens randnet [--inputs 7] [--hidden 40,40] [--activation relu] [--init gauss] [--sw 1] [--sb 1]
                     [--samples 1e6] [--seed 1] [--top 10] [--json]

Each network k = 0, 1, …, samples−1 is drawn from Philox keyed by (seed, k), so any network can be
regenerated; it is evaluated on all 2^n input points and its function is the truth table
  bits[i] = 1 iff the output at input point i is > 0   (an output of exactly 0 is bit 0),
where input point i is the binary expansion of i with the MOST significant bit as the first input
(i = 1 is x = (0,…,0,1)). \`bits\` prints character i = bits[i]: 2^n characters, 128 for n = 7.
Functions are counted in a hash table (the GPU's, or the CPU backend's with the same probing rule)
whose memory does not grow with --samples.

Options:
  --inputs N         number of Boolean inputs, 1..${MAX_INPUTS} (default ${RANDNET_DEFAULTS.inputs})
  --hidden W1,W2,…   hidden layer widths, each 1..${MAX_WIDTH}, at most ${MAX_HIDDEN_LAYERS} layers (default ${RANDNET_DEFAULTS.hidden});
                     'none' for a perceptron (output = w·x + b)
  --activation A     hidden activation: ${ACTIVATIONS.join(', ')} (default ${RANDNET_DEFAULTS.activation}; softplus is the analytic one)
  --init I           weights: gauss, N(0, σw²/fan_in), or uniform on ±σw·√(3/fan_in) (the same variance;
                     --sw 1.414 gives He's ±√(6/fan_in)) (default ${RANDNET_DEFAULTS.init})
  --bias-init I      biases: gauss, N(0, σb²), or uniform on ±σb·√3 (default: the same as --init)
  --sw S             weight scale σw ≥ 0 (default ${RANDNET_DEFAULTS.sw})
  --sb S             bias scale σb ≥ 0; 0 means bias-free (default ${RANDNET_DEFAULTS.sb})
  --domain D         input values: 01 for {0,1} or pm1 for {−1,1} (default ${RANDNET_DEFAULTS.domain})
  --samples N        networks to sample, 1 ≤ N < 2^53; 1e6 notation is fine (default 1e6)
  --seed K           integer seed, 0 ≤ K < 2^53 (default ${RANDNET_DEFAULTS.seed})
  --top K            how many of the most frequent functions to print (default 10)
  --capacity SLOTS   hash-table slots, i.e. distinct functions it can hold (default ${DEFAULT_CAPACITY}, 28 bytes
                     each); functions that find no free slot are counted in "other", never dropped
  --batch N          networks per GPU dispatch or CPU batch (default ${DEFAULT_BATCH}; memory 20 bytes per network)
  --max-probes P     probe-path length before a function counts as other (default min(capacity, 1024))
  ${BACKEND_HELP.replace(/\n/g, '\n  ')}
  --json             print one JSON object on stdout (progress stays on stderr)
  --quiet            no progress line on stderr

Output of --json:
  {samples, distinct, other, seconds, networks_per_second, inputs, hidden, activation, init, bias_init, sw, sb,
   domain, seed, capacity, batch, convention, top: [{bits, count, p, k_lz, ones, entropy}], mass_by_klz: {K: p},
   backend, device}
backend is "cpu" or "gpu". Both count with the same rule and give the same functions for a seed (Gaussian
draws differ in the last bits of log/cos/sin, so a rare network with an output within rounding of 0 may
flip a bit).
p = count / samples. k_lz is Dingle et al.'s K_LZ (log2 N if constant, else log2 N · (N_w(x) + N_w(x
reversed))/2 with N_w the LZ76 phrase count); ones is the number of 1 bits; entropy is the binary
entropy of ones/N in bits. mass_by_klz sums p over the counted functions by K_LZ (the "other" mass,
other / samples, is not in it).
Exit status: 0 success, 1 runtime failure (no GPU, device or CPU worker error), 2 bad flag or value.`;

export type RandnetParsed = { kind: 'help' } | { kind: 'run'; args: RandnetArgs };

/** Parses the flags after `randnet`. Throws UsageError naming the flag. */
export function parseRandnet(argv: readonly string[]): RandnetParsed {
  const v = subcommandFlags(argv, options);
  if (v.help) return { kind: 'help' };
  const posInt = intIn(1, SAFE_MAX);
  const net = parseNetFlags(v, seedFlag(v.seed, RANDNET_DEFAULTS.seed), RANDNET_DEFAULTS);
  const capacity = num('capacity', v.capacity, DEFAULT_CAPACITY, posInt, 'a positive integer');
  const maxProbes = optionalNum(
    'max-probes',
    v['max-probes'],
    intIn(1, capacity),
    `an integer in 1..capacity`,
  );
  return {
    kind: 'run',
    args: {
      net,
      samples: num('samples', v.samples, 1e6, posInt, 'a positive integer below 2^53 (e.g. 1e6)'),
      top: num('top', v.top, 10, intIn(0), 'an integer ≥ 0'),
      capacity,
      batch: num('batch', v.batch, DEFAULT_BATCH, posInt, 'a positive integer'),
      maxProbes,
      json: v.json ?? false,
      quiet: v.quiet ?? false,
      backend: parseBackend(v.backend),
    },
  };
}

const CONVENTION =
  'bits[i] = 1 iff output > 0 at input point i; input point i = binary expansion of i, most significant bit = first input';

function randnetReport(
  args: RandnetArgs,
  s: FunctionSummary,
  seconds: number,
  backend: Backend,
  device: string,
) {
  const n = args.net;
  return {
    samples: s.samples,
    distinct: s.distinct,
    other: s.other,
    seconds: round(seconds, 4),
    networks_per_second: round(s.samples / seconds, 4),
    inputs: n.inputs,
    hidden: n.hidden,
    activation: n.activation,
    init: n.init,
    bias_init: n.biasInit,
    sw: n.sw,
    sb: n.sb,
    domain: n.domain,
    seed: n.seed,
    capacity: args.capacity,
    batch: args.batch,
    convention: CONVENTION,
    top: s.top.map((r) => ({ ...r, p: round(r.p) })),
    mass_by_klz: Object.fromEntries(Object.entries(s.mass_by_klz).map(([k, p]) => [k, round(p)])),
    backend,
    device,
  };
}

function humanReport(o: ReturnType<typeof randnetReport>): string {
  const arch = [o.inputs, ...o.hidden, 1].join('-');
  const lines = [
    `network       ${arch} ${o.activation}, weights ${o.init} σw=${o.sw}, biases ${o.bias_init} σb=${o.sb}, inputs {${o.domain === 'pm1' ? '−1,1' : '0,1'}}, seed ${o.seed}`,
    `samples       ${o.samples} in ${o.seconds} s (${o.networks_per_second} networks/s) on ${o.device}`,
    `functions     ${o.distinct} distinct, other ${o.other} (capacity ${o.capacity})`,
    `convention    ${o.convention}`,
    '',
    'top functions (bits[0] first):',
    ...o.top.map(
      (r, i) =>
        `${String(i + 1).padStart(3)}. p=${r.p.toExponential(3)} n=${r.count} K_LZ=${r.k_lz} ones=${r.ones}  ${r.bits}`,
    ),
    '',
    'mass by K_LZ:',
    ...Object.entries(o.mass_by_klz).map(([k, p]) => `  K=${k.padEnd(6)} ${p.toExponential(3)}`),
  ];
  return lines.join('\n');
}

/** The space on the chosen backend, with what the report calls its device. */
async function openSpace(
  args: RandnetArgs,
  io: CliIo,
): Promise<{ space: FunctionCounter; backend: Backend; description: string }> {
  const options = {
    batch: Math.min(args.batch, args.samples),
    capacity: args.capacity,
    maxProbes: args.maxProbes,
  };
  const flagError = (err: unknown) => {
    if (!(err instanceof RangeError)) return undefined;
    const flag = /^(capacity|batch|max probes)/.test(err.message);
    return flag ? `--${err.message.replace('max probes', 'max-probes')}` : err.message;
  };
  // --backend cpu needs no WebGPU adapter at all; auto asks the adapter whether it is a software one.
  const gpu = args.backend === 'cpu' ? null : await cliDevice(io);
  const backend = chooseBackend(args.backend, gpu !== null && isSoftwareDevice(gpu.device), null);
  if (backend === 'gpu' && gpu) {
    const space = await asUsage(() => FunctionSpace.create(gpu.device, args.net, options), flagError);
    return { space, backend, description: gpu.description };
  }
  // A device acquired only to ask whether it is a software one is freed (an injected one is the caller's).
  if (gpu && !io.device) gpu.device.destroy();
  // The CPU backend lives in src/cpu (worker_threads, wabt): loaded only when it runs.
  const { CpuFunctionSpace } = await import('../../cpu/randnet-space');
  const space = await asUsage(() => CpuFunctionSpace.create(args.net, options), flagError);
  const description = cpuDeviceDescription(space.threads);
  if (!io.device) io.stderr.write(`occam-lens: backend cpu, ${description}\n`);
  return { space, backend, description };
}

/** Runs a parsed randnet command; returns the exit status. */
async function execute(args: RandnetArgs, io: CliIo): Promise<number> {
  const { space, backend, description } = await openSpace(args, io);
  try {
    const progress = new Progress('occam-lens randnet', io.stderr, !args.quiet);
    const t0 = performance.now();
    while (space.samples < args.samples) {
      await space.advance(Math.min(space.batch, args.samples - space.samples));
      progress.update(space.samples, args.samples, 'networks');
    }
    const snapshot = await space.read();
    const seconds = (performance.now() - t0) / 1000;
    progress.done();
    const summed = snapshot.entries.reduce((s, e) => s + e.count, 0);
    if (summed + snapshot.other !== args.samples) {
      throw new Error(`hash table total ${summed} + other ${snapshot.other} ≠ samples ${args.samples}`);
    }
    const summary = summarise(snapshot, args.net.inputs, args.top);
    const out = randnetReport(args, summary, seconds, backend, description);
    io.stdout(args.json ? `${JSON.stringify(out)}\n` : `${humanReport(out)}\n`);
    if (snapshot.other > 0) {
      io.stderr.write(
        `warning: ${snapshot.other} samples (${((100 * snapshot.other) / args.samples).toPrecision(3)}%) found the hash table full ` +
          `and are counted as "other"; raise --capacity (now ${args.capacity}) to place them.\n`,
      );
    }
    return 0;
  } finally {
    await space.destroy();
  }
}

/** `occam-lens randnet …` (argv after the command word). Throws UsageError for bad flags. */
export async function randnetMain(argv: readonly string[], io: CliIo): Promise<number> {
  return helpOrRun(parseRandnet(argv), RANDNET_HELP, io, execute);
}
