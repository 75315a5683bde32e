/**
 * `occam-lens sgd-vs-bayes` (issue 13): is training with SGD, to first order, uniform sampling from the
 * parameters that fit the training data? P_SGD(f | S) from networks trained in parallel on the GPU
 * against P_B(f | S) from rejection sampling of the same prior; `--model poly:…` asks the same of the
 * post's polynomial model (gradient-descent fits against the walkers' posterior shares).
 */

import { runPolySgd } from '../../core/function-space/poly-sgd';
import { MAX_INPUTS, type RandNetConfig } from '../../core/function-space/randnet';
import { type BoolTask, makeTask, parseTarget } from '../../core/function-space/sgd-task';
import {
  DEFAULT_TRAIN,
  LOSSES,
  type LossKind,
  OPTIMIZERS,
  type Optimizer,
  type TrainConfig,
  validateTrain,
} from '../../core/function-space/sgd-twin';
import {
  acceptanceMessage,
  correlate,
  HIST_BINS,
  meanTestError,
  pearson,
  runBayes,
  runSgd,
  sortedEntries,
  spearman,
  testErrorHistogram,
  topRows,
} from '../../core/function-space/sgd-vs-bayes';
import { initialStep } from '../../core/measures/burnin';
import { runLlc } from '../../core/measures/llc-run';
import { polyFunctionSpace } from '../../core/measures/poly-functions';
import { WalkerEngine } from '../../core/walkers/walker-engine';
import { posteriorOf } from '../../scene/posterior';
import { parseCli, type RunArgs } from '../args';
import { cliDevice, helpOrRun, round } from '../command';
import {
  asUsage,
  choice,
  intIn,
  num,
  REPORT_FLAGS,
  rangeAsUsage,
  SAFE_MAX,
  seedFlag,
  subcommandFlags,
  UsageError,
  valueFlags,
} from '../flags';
import type { CliIo } from '../io';
import { NET_FLAGS, type NetFlag, parseNetFlags } from '../net-flags';
import { Progress } from '../progress';
import { schemaDefaults, schemaFlagNames, schemaInt } from '../schema-flags';

/** The app's SGD-vs-Bayes fields' defaults: every schema flag of this command takes the schema's. */
const SGD_DEFAULTS = schemaDefaults('sgd-vs-bayes');

const options = {
  ...valueFlags(
    'target',
    ...NET_FLAGS,
    ...schemaFlagNames('sgd-vs-bayes'),
    'train-seed',
    'top',
    'capacity',
    'net-batch',
    'prior-batch',
    'model',
    'data',
    'sigma',
    'scale',
    'n',
    'max-steps',
    'tol',
    'walkers',
    'steps',
    'burnin',
  ),
  ...REPORT_FLAGS,
};

export const SGD_VS_BAYES_HELP = `occam-lens sgd-vs-bayes: does SGD sample functions like the Bayes posterior? (P_SGD(f|S) vs P_B(f|S))

Usage:
  occam-lens sgd-vs-bayes --target 0011 [--train 32] [--runs 1e4] [--optimizer adam] [--samples 1e6] [--json]
  occam-lens sgd-vs-bayes --model poly:1,2,3,4,5 [--data 1:1] [--scale 0.5] [--runs 1e4] [--n 1000] [--json]

Boolean task: a target on the 2^n input points (randnet's convention: character i = output at input
point i, most significant bit = first input), a training set S of --train points drawn with
--train-seed, the other points as the test set.
  P_SGD: --runs networks, network k = randnet's network k of --seed, each trained until it classifies
         S exactly (then its function on all 2^n points is counted) or gives up at --max-epochs (counted
         as not converged, never dropped). Trained in parallel on the GPU.
  P_B:   --samples networks from the same prior; those whose function equals the target on S are kept
         (the posterior under the 0–1 likelihood) and counted.

Task and network:
  --target T         a 0/1 string of length 2^n or a divisor of it, repeated (0011 is (0011)^32 for
                     n = 7), zeros, ones, or random:K (a random function with K_LZ = K, from --seed)
  --inputs N         1..${MAX_INPUTS} (default ${SGD_DEFAULTS.inputs})
  --train M          training-set size, 1..2^n (default ${SGD_DEFAULTS.train})
  --train-seed K     seed of the training subset (default: --seed)
  --hidden, --activation, --init, --bias-init, --sw, --sb, --domain, --seed   as in randnet (default
                     7-40-40-1 ReLU, Gaussian σw = σb = 1, inputs {0,1}, seed 1)
Training:
  --runs R           networks trained (default 1e4)
  --optimizer O      gd (full batch), sgd (minibatches), adam (default ${SGD_DEFAULTS.optimizer})
  --loss L           ce (cross-entropy on the logit) or mse (½(z − t)², t = ±1) (default ${SGD_DEFAULTS.loss})
  --lr X             learning rate (default ${SGD_DEFAULTS.lr})
  --batch-size B     minibatch size, 1..128, ignored by gd (default ${SGD_DEFAULTS['batch-size']})
  --max-epochs E     epochs before a network gives up (default ${SGD_DEFAULTS['max-epochs']})
  --net-batch N      networks trained side by side per GPU batch (default 8192)
Bayes:
  --samples N        prior samples for rejection (default 1e6)
  --prior-batch N    prior samples per dispatch (default 65536)
Output:
  --top K            most frequent functions of each side (default 10)
  --capacity SLOTS   hash-table slots of each side (default 2^20)

Polynomial model (--model poly:m0,…,m4): P_SGD = shares of --runs gradient-descent fits to --data
(default 1:1, noise --sigma 1) from θ ~ N(0, scale²) (--scale, default 0.5; --lr 0.01, --max-steps 1e5,
converged when L_n − min L_n < --tol 1e-10) ending nearest each of 1, x, …, x⁴; P_B = the shares of
--walkers walkers (default 4096; MALA, --steps 4000 after --burnin 4000, started from the prior) on
the Bayes posterior at n = --n (default 1000, β = 1) with the same prior N(0, scale²).

Output of --json (Boolean): {target, inputs, train_size, train_seed, network, training, sgd: {runs, converged,
  not_converged, mean_epochs, distinct, other, mean_test_error, test_error_histogram, top: [{bits, count, p,
  p_bayes, k_lz, test_error}]}, bayes: {samples, accepted, acceptance, distinct, other, message, mean_test_error,
  test_error_histogram, top: [...p_sgd...]}, correlation: {spearman, pearson, shared, sgd_floor, bayes_floor,
  note}, seconds, device}. Correlations are of log10 probabilities over the functions both sides saw; a
  floor is the probability of one count (1/converged, 1/accepted). test_error_histogram: counts with test
  error 0, then in ((k−1)/${HIST_BINS}, k/${HIST_BINS}] for k = 1..${HIST_BINS}. null where a value does not exist.
Exit status: 0 success, 1 runtime failure, 2 bad flag or value.`;

interface BoolArgs {
  readonly kind: 'bool';
  readonly net: RandNetConfig;
  readonly task: BoolTask;
  readonly targetText: string;
  readonly trainSeed: number;
  readonly train: TrainConfig;
  readonly runs: number;
  readonly samples: number;
  readonly top: number;
  readonly capacity: number;
  readonly netBatch: number;
  readonly priorBatch: number;
  readonly json: boolean;
  readonly quiet: boolean;
}

interface PolyArgs {
  readonly kind: 'poly';
  readonly model: string;
  readonly data: string;
  readonly run: RunArgs;
  readonly scale: number;
  readonly lr: number;
  readonly maxSteps: number;
  readonly tol: number;
  readonly runs: number;
  readonly json: boolean;
  readonly quiet: boolean;
}

type Args = BoolArgs | PolyArgs;

const BOOL_ONLY = [
  'target',
  ...NET_FLAGS,
  'train',
  'train-seed',
  'optimizer',
  'loss',
  'batch-size',
  'max-epochs',
  'samples',
  'top',
  'capacity',
  'net-batch',
  'prior-batch',
] as const;
const POLY_ONLY = ['data', 'sigma', 'scale', 'n', 'max-steps', 'tol', 'walkers', 'steps', 'burnin'] as const;

const posNum = (x: number) => x > 0;

export function parseSgdVsBayes(argv: readonly string[]): { kind: 'help' } | { kind: 'run'; args: Args } {
  const v = subcommandFlags(argv, options) as Record<string, string | boolean | undefined>;
  if (v.help) return { kind: 'help' };
  const s = (k: string) => v[k] as string | undefined;
  const posInt = intIn(1, SAFE_MAX);
  const seed = seedFlag(s('seed'), SGD_DEFAULTS.seed);
  // --runs and --samples: any count below 2^53, not the app's slider ranges.
  const runs = num('runs', s('runs'), SGD_DEFAULTS.runs, posInt, 'a positive integer (e.g. 1e4)');
  const json = (v.json as boolean | undefined) ?? false;
  const quiet = (v.quiet as boolean | undefined) ?? false;
  if (s('model') !== undefined) {
    for (const k of BOOL_ONLY)
      if (s(k) !== undefined) throw new UsageError(`--${k}: only for Boolean targets, not with --model`);
    const model = s('model')!;
    if (!model.startsWith('poly:'))
      throw new UsageError(`--model: expected poly:m0,m1,m2,m3,m4, got '${model}'`);
    const scale = num('scale', s('scale'), 0.5, posNum, 'a number > 0');
    const data = s('data') ?? '1:1';
    const parsed = parseCli([
      'llc',
      '--model',
      model,
      '--data',
      data,
      ...(s('sigma') !== undefined ? ['--sigma', s('sigma')!] : []),
      '--prior',
      `gauss:${scale}`,
      '--n',
      s('n') ?? '1000',
      '--beta',
      '1',
      '--init',
      'prior',
      '--walkers',
      s('walkers') ?? '4096',
      '--steps',
      s('steps') ?? '4000',
      '--burnin',
      s('burnin') ?? '4000',
      '--seed',
      String(seed),
    ]);
    if (parsed.kind !== 'run') throw new UsageError('--model: could not be parsed');
    return {
      kind: 'run',
      args: {
        kind: 'poly',
        model,
        data,
        run: parsed.args,
        scale,
        lr: num('lr', s('lr'), 0.01, posNum, 'a number > 0'),
        maxSteps: num('max-steps', s('max-steps'), 1e5, posInt, 'a positive integer'),
        tol: num('tol', s('tol'), 1e-10, posNum, 'a number > 0'),
        runs,
        json,
        quiet,
      },
    };
  }
  for (const k of POLY_ONLY) if (s(k) !== undefined) throw new UsageError(`--${k}: only with --model poly:…`);
  const net = parseNetFlags(v as Partial<Record<NetFlag, string>>, seed, SGD_DEFAULTS);
  const targetText = s('target');
  if (targetText === undefined) throw new UsageError('--target: required (e.g. 0011, zeros, random:35)');
  const target = asUsage(
    () => parseTarget(targetText, net.inputs, seed),
    (e) => `--${(e as Error).message}`,
  );
  const trainSeed = num('train-seed', s('train-seed'), seed, intIn(0, SAFE_MAX), 'an integer in [0, 2^53)');
  const points = 2 ** net.inputs;
  const trainSize = num(
    'train',
    s('train'),
    // 1..2^n for the command's n (the app's field allows up to 2^MAX_INPUTS and clamps).
    Math.min(SGD_DEFAULTS.train, points),
    intIn(1, points),
    `an integer in 1..${points}`,
  );
  const train: TrainConfig = {
    ...DEFAULT_TRAIN,
    optimizer: choice<Optimizer>('optimizer', s('optimizer'), OPTIMIZERS, SGD_DEFAULTS.optimizer),
    loss: choice<LossKind>('loss', s('loss'), LOSSES, SGD_DEFAULTS.loss),
    // Any positive rate (the app's field stops at [1e-6, 10]); validateTrain checks it further.
    lr: num('lr', s('lr'), SGD_DEFAULTS.lr, posNum, 'a number > 0'),
    batch: schemaInt('sgd-vs-bayes', 'batch-size', s('batch-size'), SGD_DEFAULTS['batch-size']),
    maxEpochs: num(
      'max-epochs',
      s('max-epochs'),
      SGD_DEFAULTS['max-epochs'],
      // The CLI's bound is the trainer's (2^26 epochs), wider than the app's field (1e6).
      intIn(0, 2 ** 26),
      'an integer in 0..2^26',
    ),
  };
  asUsage(
    () => validateTrain(train),
    (err) => `--${(err as Error).message}`,
  );
  return {
    kind: 'run',
    args: {
      kind: 'bool',
      net,
      task: makeTask(net.inputs, target, trainSize, trainSeed),
      targetText,
      trainSeed,
      train,
      runs,
      samples: num('samples', s('samples'), SGD_DEFAULTS.samples, posInt, 'a positive integer (e.g. 1e6)'),
      top: num('top', s('top'), 10, intIn(0), 'an integer ≥ 0'),
      capacity: num('capacity', s('capacity'), 2 ** 20, posInt, 'a positive integer'),
      netBatch: num('net-batch', s('net-batch'), 8192, posInt, 'a positive integer'),
      priorBatch: num('prior-batch', s('prior-batch'), 65536, posInt, 'a positive integer'),
      json,
      quiet,
    },
  };
}

const flagOf = (err: unknown, names: Record<string, string>): string | undefined => {
  if (!(err instanceof RangeError)) return undefined;
  for (const [prefix, flag] of Object.entries(names))
    if (err.message.startsWith(prefix)) return `--${flag}: ${err.message}`;
  return err.message;
};

async function executeBool(a: BoolArgs, io: CliIo): Promise<number> {
  const { device, description } = await cliDevice(io);
  const t0 = performance.now();
  const pSgd = new Progress('occam-lens sgd-vs-bayes (SGD)', io.stderr, !a.quiet);
  const sgd = await asUsage(
    () =>
      runSgd(device, a.net, a.task, a.train, {
        runs: a.runs,
        batch: a.netBatch,
        capacity: a.capacity,
        onProgress: (_p, done, total) => pSgd.update(done, total, 'networks'),
      }),
    (e) => flagOf(e, { batch: 'net-batch', capacity: 'capacity' }),
  );
  pSgd.done();
  const pB = new Progress('occam-lens sgd-vs-bayes (Bayes)', io.stderr, !a.quiet);
  const bayes = await asUsage(
    () =>
      runBayes(device, a.net, a.task, {
        samples: a.samples,
        batch: a.priorBatch,
        capacity: a.capacity,
        onProgress: (_p, done, total) => pB.update(done, total, 'networks'),
      }),
    (e) => flagOf(e, { batch: 'prior-batch', capacity: 'capacity' }),
  );
  pB.done();
  const corr = correlate(sgd.snapshot, sgd.converged, bayes.snapshot, bayes.accepted);
  const otherP = (snap: typeof sgd.snapshot, total: number) => {
    const m = new Map(snap.entries.map((e) => [e.key.join(','), e.count] as const));
    return (key: Uint32Array) => (total > 0 ? round((m.get(key.join(',')) ?? 0) / total) : null);
  };
  const sgdTop = sortedEntries(sgd.snapshot).slice(0, a.top);
  const bTop = sortedEntries(bayes.snapshot).slice(0, a.top);
  const pB_ = otherP(bayes.snapshot, bayes.accepted);
  const pS_ = otherP(sgd.snapshot, sgd.converged);
  const rowsS = topRows(a.task, sgd.snapshot, sgd.converged, a.top).map((r, i) => ({
    ...r,
    p: round(r.p),
    p_bayes: pB_(sgdTop[i].key),
    test_error: round(r.test_error, 4),
  }));
  const rowsB = topRows(a.task, bayes.snapshot, bayes.accepted, a.top).map((r, i) => ({
    ...r,
    p: round(r.p),
    p_sgd: pS_(bTop[i].key),
    test_error: round(r.test_error, 4),
  }));
  const mS = meanTestError(a.task, sgd.snapshot);
  const mB = meanTestError(a.task, bayes.snapshot);
  const message = acceptanceMessage(bayes.samples, bayes.accepted);
  const out = {
    target: a.task.target,
    target_spec: a.targetText,
    inputs: a.net.inputs,
    train_size: a.task.train.length,
    train_seed: a.trainSeed,
    network: {
      hidden: a.net.hidden,
      activation: a.net.activation,
      init: a.net.init,
      bias_init: a.net.biasInit,
      sw: a.net.sw,
      sb: a.net.sb,
      domain: a.net.domain,
      seed: a.net.seed,
    },
    training: {
      optimizer: a.train.optimizer,
      loss: a.train.loss,
      lr: a.train.lr,
      batch_size:
        a.train.optimizer === 'gd' ? a.task.train.length : Math.min(a.train.batch, a.task.train.length),
      max_epochs: a.train.maxEpochs,
    },
    sgd: {
      runs: sgd.runs,
      converged: sgd.converged,
      not_converged: sgd.notConverged,
      mean_epochs: sgd.meanEpochs === null ? null : round(sgd.meanEpochs, 4),
      distinct: sgd.snapshot.distinct,
      other: sgd.snapshot.other,
      seconds: round(sgd.seconds, 4),
      mean_test_error: mS === null ? null : round(mS, 4),
      test_error_histogram: testErrorHistogram(a.task, sgd.snapshot),
      top: rowsS,
    },
    bayes: {
      samples: bayes.samples,
      accepted: bayes.accepted,
      acceptance: round(bayes.accepted / bayes.samples),
      distinct: bayes.snapshot.distinct,
      other: bayes.snapshot.other,
      seconds: round(bayes.seconds, 4),
      message,
      mean_test_error: mB === null ? null : round(mB, 4),
      test_error_histogram: testErrorHistogram(a.task, bayes.snapshot),
      top: rowsB,
    },
    correlation: {
      spearman: corr.spearman === null ? null : round(corr.spearman, 4),
      pearson: corr.pearson === null ? null : round(corr.pearson, 4),
      shared: corr.shared,
      sgd_floor: corr.sgd_floor === null ? null : round(corr.sgd_floor),
      bayes_floor: corr.bayes_floor === null ? null : round(corr.bayes_floor),
      note: corr.note,
    },
    seconds: round((performance.now() - t0) / 1000, 4),
    device: description,
  };
  if (a.json) io.stdout(`${JSON.stringify(out)}\n`);
  else {
    const row = (
      r: { p: number; count: number; k_lz: number; test_error: number; bits: string },
      other: number | null,
      name: string,
    ) =>
      `  p=${r.p.toExponential(3)} (${name} ${other === null ? '—' : other.toExponential(3)}) n=${r.count} K_LZ=${r.k_lz} test error ${r.test_error}  ${r.bits}`;
    io.stdout(
      `${[
        `target        ${out.target} (${a.targetText}), ${out.train_size} training points (seed ${out.train_seed}), ${a.task.test.length} test points`,
        `network       ${[a.net.inputs, ...a.net.hidden, 1].join('-')} ${a.net.activation}, seed ${a.net.seed}; ${a.train.optimizer} ${a.train.loss} lr ${a.train.lr}`,
        `SGD           ${out.sgd.converged} of ${out.sgd.runs} converged (mean ${out.sgd.mean_epochs} epochs), ${out.sgd.distinct} distinct, mean test error ${out.sgd.mean_test_error}`,
        `Bayes         ${out.bayes.accepted} of ${out.bayes.samples} accepted (${out.bayes.acceptance}), ${out.bayes.distinct} distinct, mean test error ${out.bayes.mean_test_error}`,
        ...(message ? [`              ${message}`] : []),
        `correlation   Spearman ${out.correlation.spearman}, Pearson ${out.correlation.pearson} of log10 P over ${out.correlation.shared} shared functions (floors ${out.correlation.sgd_floor}, ${out.correlation.bayes_floor})`,
        'top SGD functions:',
        ...rowsS.map((r) => row(r, r.p_bayes, 'P_B')),
        'top Bayes functions:',
        ...rowsB.map((r) => row(r, r.p_sgd, 'P_SGD')),
        `time          ${out.seconds} s on ${description}`,
      ].join('\n')}\n`,
    );
  }
  if (message) io.stderr.write(`warning: ${message}\n`);
  if (sgd.snapshot.other + bayes.snapshot.other > 0)
    io.stderr.write(
      `warning: some functions found a hash table full and are counted as "other"; raise --capacity\n`,
    );
  return 0;
}

const MONO = ['1', 'x', 'x²', 'x³', 'x⁴'];

async function executePoly(a: PolyArgs, io: CliIo): Promise<number> {
  const t0 = performance.now();
  const r = a.run;
  const sigma = r.params[r.landscape.params.findIndex((p) => p.name === 'sigma')] ?? 1;
  const m = a.model.slice(5).split(',').map(Number);
  const data = a.data.split(',').map((t) => {
    const [x, y] = t.split(':').map(Number);
    return { x, y };
  });
  const pS = new Progress('occam-lens sgd-vs-bayes (GD fits)', io.stderr, !a.quiet);
  const sgd = runPolySgd(
    { m, data, sigma, scale: a.scale, lr: a.lr, maxSteps: a.maxSteps, tol: a.tol, seed: r.seed },
    a.runs,
    (done) => pS.update(done, a.runs, 'fits'),
  );
  pS.done();
  const { device, description } = await cliDevice(io);
  const posterior = posteriorOf(r);
  const engine = await asUsage(
    () =>
      WalkerEngine.create(device, {
        ...posterior,
        walkers: r.walkers,
        sampler: r.sampler,
        eps: r.step ?? initialStep(posterior),
        seed: r.seed,
      }),
    rangeAsUsage(),
  );
  let shares: readonly number[];
  let diverged = 0;
  try {
    const pB = new Progress('occam-lens sgd-vs-bayes (walkers)', io.stderr, !a.quiet);
    const res = await runLlc(engine, {
      ...engine.settings,
      steps: r.steps,
      burnin: r.burnin,
      init: 'prior',
      tuneStep: r.step === undefined,
      onProgress: (done, total) => pB.update(done * r.walkers, total * r.walkers, 'walker-steps'),
    });
    pB.done();
    diverged = res.diverged;
    shares = (await polyFunctionSpace(engine)).shares;
  } finally {
    engine.destroy();
  }
  const sgdShares = sgd.nearest.map((c) => (sgd.converged > 0 ? c / sgd.converged : 0));
  const both = MONO.map((_, k) => k).filter((k) => sgdShares[k] > 0 && shares[k] > 0);
  const ls = both.map((k) => Math.log10(sgdShares[k]));
  const lb = both.map((k) => Math.log10(shares[k]));
  const sp = spearman(ls, lb);
  const pe = pearson(ls, lb);
  const out = {
    model: a.model,
    data: a.data,
    sigma,
    scale: a.scale,
    sgd: {
      runs: sgd.runs,
      converged: sgd.converged,
      not_converged: sgd.runs - sgd.converged,
      lr: a.lr,
      mean_steps: sgd.meanSteps === null ? null : round(sgd.meanSteps, 4),
      shares: Object.fromEntries(MONO.map((f, k) => [f, round(sgdShares[k], 4)])),
      seconds: round(sgd.seconds, 4),
    },
    bayes: {
      walkers: r.walkers,
      n: r.n,
      beta: 1,
      prior: `gauss:${a.scale}`,
      steps: r.steps,
      burnin: r.burnin,
      diverged,
      shares: Object.fromEntries(MONO.map((f, k) => [f, round(shares[k], 4)])),
    },
    correlation: {
      spearman: sp === null ? null : round(sp, 4),
      pearson: pe === null ? null : round(pe, 4),
      shared: both.length,
      sgd_floor: sgd.converged > 0 ? round(1 / sgd.converged) : null,
      bayes_floor: round(1 / r.walkers),
      note: 'log10 shares over the monomials both sides reach',
    },
    seconds: round((performance.now() - t0) / 1000, 4),
    device: description,
  };
  if (a.json) io.stdout(`${JSON.stringify(out)}\n`);
  else
    io.stdout(
      `${[
        `model         ${a.model} on ${a.data}, σ = ${sigma}, init/prior N(0, ${a.scale}²)`,
        `GD fits       ${sgd.converged} of ${sgd.runs} converged: ${MONO.map((f, k) => `${f}: ${(100 * sgdShares[k]).toFixed(1)}%`).join('  ')}`,
        `Bayes (n=${r.n}) ${MONO.map((f, k) => `${f}: ${(100 * shares[k]).toFixed(1)}%`).join('  ')}  (${r.walkers} walkers)`,
        `correlation   Spearman ${out.correlation.spearman}, Pearson ${out.correlation.pearson} of log10 shares over ${both.length} monomials`,
        `time          ${out.seconds} s on ${description}`,
      ].join('\n')}\n`,
    );
  return 0;
}

/** `occam-lens sgd-vs-bayes …` (argv after the command word). Throws UsageError for bad flags. */
export function sgdVsBayesMain(argv: readonly string[], io: CliIo): Promise<number> {
  return helpOrRun(parseSgdVsBayes(argv), SGD_VS_BAYES_HELP, io, (a, io2) =>
    a.kind === 'bool' ? executeBool(a, io2) : executePoly(a, io2),
  );
}
