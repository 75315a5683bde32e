/**
 * `occam-lens which-function`: the founding post's polynomial example told by measurement
 * (issue 12, item 4). For each monomial 1, x, …, x⁴ the model can fit, the local learning coefficient
 * at a representative point of its zero set (λ̂ at β0 = 1/log n, localised by γ, and the ladder fit's
 * λ and m) beside the theory; then the posterior shares of the nearest monomial against n, measured
 * by walkers started from the prior, beside the exact i.i.d. reference (src/core/measures/which-function.ts).
 */

import {
  type DataPoint,
  MAX_POLY_SLOTS,
  parseData,
  polynomialLandscape,
  polynomialSlotsLandscape,
  polyWstar,
} from '../../core/landscapes/models/polynomial';
import { initialStep } from '../../core/measures/burnin';
import { type Diagnostics, diagnosticFields, isConverged } from '../../core/measures/diagnostics';
import { runGroups } from '../../core/measures/ladder';
import { measureLocalLambda } from '../../core/measures/local-lambda';
import { PolyShareTracker } from '../../core/measures/poly-functions';
import {
  exactShares,
  MONOMIAL_NAMES,
  whichFunctionCandidates,
  whichFunctionTheory,
} from '../../core/measures/which-function';
import { wbicBeta } from '../../core/posterior';
import { MAX_GROUPS, WalkerEngine } from '../../core/walkers/walker-engine';
import { parsePrior } from '../args';
import { cliDevice, helpOrRun, round, warnDiverged, warnUnconverged } from '../command';
import {
  asUsage,
  intIn,
  num,
  numList,
  oneOf,
  REPORT_FLAGS,
  rangeAsUsage,
  SAFE_MAX,
  seedFlag,
  subcommandFlags,
  UsageError,
  valueFlags,
} from '../flags';
import type { CliIo } from '../io';
import { Progress } from '../progress';
import { plusMinus, tableRow } from '../table';

const options = {
  ...valueFlags(
    'model',
    'data',
    'spread',
    'sigma',
    'n',
    'llc-n',
    'gamma',
    'prior',
    'sampler',
    'walkers',
    'share-walkers',
    'steps',
    'burnin',
    'ladder',
    'span',
    'samples',
    'seed',
  ),
  ...REPORT_FLAGS,
};

export const WHICH_FUNCTION_HELP = `occam-lens which-function: which of 1, x, …, x⁴ does SLT prefer, and which does the prior volume?

Usage:
  occam-lens which-function [--model poly:1,2,3,4,5] [--data 1:1 | --spread K] [--n 30,100,1000]
                            [--llc-n 1000] [--gamma 1] [--ladder 5] [--json]

For each monomial x^k the model can fit, w*_k is a point of its zero set: every other coefficient's
parameters 0, those of c_k equal to c^(1/m_k) (c the fit of x^k alone). At each w*_k: λ̂ = nβ·(E[L] − L(w*))
at n = --llc-n, β = 1/log n, localised by γ (walkers start at w*), and the ladder fit of λ and m
(fitLadder over --ladder temperatures), beside the theory: λ = 1/2, m = 1 at every candidate for one data
point; λ = #{k: m_k ≥ 1}/2 and m = 1 + Σ_{j≠k}(m_j − 1) for ≥ 5 distinct x (5/2 with m = 11 for the
constant, 7 for x⁴ under (1,2,3,4,5)). Then the share of walkers nearest each monomial (largest
coefficient) at each n of --n (walkers from the prior, γ = 0, β = 1/log n), beside an exact i.i.d.
reference: prior draws with one single-parameter coefficient integrated out in closed form.

Options:
  --model poly:M0,…,M4  parameter counts (default poly:1,2,3,4,5)
  --data X:Y,…       the data of every candidate (default the single point 1:1)
  --spread K         instead: K points on a grid over [−1, 1], with y = x^k for candidate k (K ≥ 1)
  --sigma S          noise σ of the likelihood (default 1)
  --n N1,N2,…        sample sizes of the shares table (default 30,100,1000)
  --llc-n N          sample size of the λ̂ table (default 1000)
  --gamma G          localisation of the λ̂ table (default 1; the shares use γ = 0)
  --prior KIND:S     box:R or gauss:σ (default box:2)
  --sampler S        mala or ula (default mala; MALA tunes ε per group toward acceptance 0.57, 0.8 in ≤ 2-D)
  --walkers W        walkers per ladder group in the λ̂ table (default 256)
  --share-walkers W  walkers per (truth, n) in the shares table (default 1024)
  --steps S          sampling steps (default 2000)
  --burnin B         burn-in steps (default 1000)
  --ladder K         temperatures of the ladder fit, 0 or ≥ 3 (default 5; 0: λ̂ only)
  --span S           the ladder spans nβ/S … nβ·S (default 4)
  --samples S        prior draws of the exact reference per (truth, n) (default 100000)
  --seed K           integer seed (default 1)
  --json             one JSON object on stdout (progress stays on stderr)
  --quiet            no progress line on stderr
Exit status: 0 success, 1 runtime failure (no GPU, device error), 2 bad flag or value.`;

export interface WhichFunctionArgs {
  readonly m: number[];
  readonly modelText: string;
  readonly data?: DataPoint[];
  readonly spread?: number;
  readonly sigma: number;
  readonly ns: number[];
  readonly llcN: number;
  readonly gamma: number;
  readonly prior: ReturnType<typeof parsePrior>;
  readonly sampler: 'mala' | 'ula';
  readonly walkers: number;
  readonly shareWalkers: number;
  readonly steps: number;
  readonly burnin: number;
  readonly ladder: number;
  readonly span: number;
  readonly samples: number;
  readonly seed: number;
  readonly json: boolean;
  readonly quiet: boolean;
}

const positiveInt = intIn(1, SAFE_MAX);

export function parseWhichFunction(
  argv: readonly string[],
): { kind: 'help' } | { kind: 'run'; args: WhichFunctionArgs } {
  const v = subcommandFlags(argv, options);
  if (v.help) return { kind: 'help' };
  const text = v.model ?? 'poly:1,2,3,4,5';
  const [kind, rest = ''] = text.split(/:(.*)/s);
  const m = rest.split(',').map((s) => Number(s.trim()));
  if (kind !== 'poly' || m.length !== 5 || m.some((k) => !Number.isInteger(k) || k < 0 || k > 8))
    throw new UsageError(`--model: expected poly:m0,m1,m2,m3,m4 (five integers in [0, 8]), got '${text}'`);
  if (v.data !== undefined && v.spread !== undefined)
    throw new UsageError('--data and --spread cannot be combined: choose one');
  let data: DataPoint[] | undefined;
  if (v.data !== undefined) {
    try {
      data = parseData(v.data);
    } catch (err) {
      throw new UsageError(`--data: ${(err as Error).message}`);
    }
  }
  const spread =
    v.spread === undefined
      ? undefined
      : num('spread', v.spread, 0, intIn(1, 100000), 'an integer in [1, 100000]');
  const ns =
    v.n === undefined ? [30, 100, 1000] : numList('n', v.n, (x) => x > 1 && x <= 1e9, 'numbers in (1, 1e9]');
  const ladder = num('ladder', v.ladder, 5, (x) => x === 0 || intIn(3, 32)(x), '0 or an integer in [3, 32]');
  const args: WhichFunctionArgs = {
    m,
    modelText: `poly:${m.join(',')}`,
    data,
    spread,
    sigma: num('sigma', v.sigma, 1, (x) => x > 0 && x <= 100, 'a number in (0, 100]'),
    ns,
    llcN: num('llc-n', v['llc-n'], 1000, (x) => x > 1 && x <= 1e9, 'a number in (1, 1e9]'),
    gamma: num('gamma', v.gamma, 1, (x) => x >= 0, 'a number ≥ 0'),
    prior: parsePrior(v.prior, 2),
    sampler: oneOf('sampler', v.sampler, ['mala', 'ula'] as const, 'mala'),
    walkers: num('walkers', v.walkers, 256, positiveInt, 'a positive integer'),
    shareWalkers: num('share-walkers', v['share-walkers'], 1024, positiveInt, 'a positive integer'),
    steps: num('steps', v.steps, 2000, positiveInt, 'a positive integer'),
    burnin: num('burnin', v.burnin, 1000, intIn(0, SAFE_MAX), 'an integer ≥ 0'),
    ladder,
    span: num('span', v.span, 4, (x) => x > 1 && x <= 100, 'a number in (1, 100]'),
    samples: num('samples', v.samples, 100000, intIn(100, 1e8), 'an integer in [100, 1e8]'),
    seed: seedFlag(v.seed),
    json: v.json ?? false,
    quiet: v.quiet ?? false,
  };
  // Validate the model and data now, so a bad value is a usage error before the GPU starts.
  asUsage(
    () => polynomialLandscape(m, data),
    (err) => (err instanceof RangeError ? `--model: ${err.message}` : undefined),
  );
  const truths = whichFunctionCandidates(m, { data, spread }).length;
  if (truths === 0) throw new UsageError('--model: no monomial has a parameter (every m_k is 0)');
  const shareGroups = (spread !== undefined ? truths : 1) * ns.length;
  if (shareGroups > Math.min(MAX_GROUPS, MAX_POLY_SLOTS))
    throw new UsageError(
      `--n: ${shareGroups} (truth, n) pairs, at most ${Math.min(MAX_GROUPS, MAX_POLY_SLOTS)} in one run`,
    );
  return { kind: 'run', args };
}

export function whichFunctionMain(argv: readonly string[], io: CliIo): Promise<number> {
  return helpOrRun(parseWhichFunction(argv), WHICH_FUNCTION_HELP, io, execute);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function execute(a: WhichFunctionArgs, io: CliIo): Promise<number> {
  const { device, description } = await cliDevice(io);
  const t0 = performance.now();
  const candidates = whichFunctionCandidates(a.m, { data: a.data, spread: a.spread });
  const groupsPer = a.ladder >= 3 ? a.ladder + 1 : 1;
  const shareTruths = a.spread !== undefined ? candidates : [candidates[0]];
  const workLlc = candidates.length * groupsPer * a.walkers * (a.steps + a.burnin);
  const workShares = shareTruths.length * a.ns.length * a.shareWalkers * (a.steps + a.burnin);
  const progress = new Progress('occam-lens which-function', io.stderr, !a.quiet);
  let before = 0;
  const beta = wbicBeta(a.llcN);
  let diverged = 0;
  const unconverged: { diagnostics: Diagnostics; where: string }[] = [];

  // 1. λ̂ and the ladder at each candidate's w*.
  const rows = [];
  for (const c of candidates) {
    const landscape = polynomialLandscape(a.m, c.data);
    const r = await asUsage(
      () =>
        measureLocalLambda(device, {
          landscape,
          params: [a.sigma],
          wstar: c.wstar,
          n: a.llcN,
          beta,
          gamma: a.gamma,
          prior: a.prior,
          sampler: a.sampler,
          walkers: a.walkers,
          steps: a.steps,
          burnin: a.burnin,
          ladder: a.ladder,
          span: a.span,
          seed: a.seed + c.k,
          onProgress: (done, total) =>
            progress.update(
              before + (done / total) * groupsPer * a.walkers * (a.steps + a.burnin),
              workLlc + workShares,
              'walker-steps',
            ),
        }),
      rangeAsUsage(' (--walkers is per ladder group)'),
    );
    before += groupsPer * a.walkers * (a.steps + a.burnin);
    diverged += r.diverged;
    unconverged.push({ diagnostics: r.diagnostics, where: `λ̂ at ${MONOMIAL_NAMES[c.k]}` });
    const th = whichFunctionTheory(a.m, c);
    rows.push({
      candidate: MONOMIAL_NAMES[c.k],
      k: c.k,
      coefficient: round(c.coefficient),
      data_points: c.data.length,
      lambda_hat: round(r.lambdaHat),
      lambda_hat_se: round(r.lambdaHatSe, 3),
      ladder_lambda: r.fit ? round(r.fit.lambda) : null,
      ladder_lambda_se: r.fit ? round(r.fit.lambdaSe, 3) : null,
      ladder_m: r.fit ? round(r.fit.m) : null,
      ladder_m_se: r.fit ? round(r.fit.mSe, 3) : null,
      ladder_chi2_per_dof: r.fit ? round(r.fit.chi2PerDof, 3) : null,
      theory_lambda: th.lambda,
      theory_m: th.m,
      // At finite n, nβ·E[K] ≈ λ − (m − 1)/log(nβ): the value λ̂ should show, to leading order.
      theory_finite_n:
        th.lambda !== null && th.m !== null
          ? round(th.lambda - (th.m - 1) / Math.log(a.llcN * beta), 4)
          : null,
      theory_note: th.reason,
      acceptance: round(r.acceptance, 4),
      ...diagnosticFields(r.diagnostics),
    });
  }

  // 2. Shares against n: one population, one group per (truth, n), each group fitting its own data.
  const pairs = shareTruths.flatMap((c) => a.ns.map((n) => ({ c, n })));
  const landscape = polynomialSlotsLandscape(
    a.m,
    pairs.map((p) => p.c.data),
  );
  const groupNbeta = pairs.map((p) => p.n * wbicBeta(p.n));
  const posterior = {
    landscape,
    params: [a.sigma],
    n: a.ns[0],
    beta: wbicBeta(a.ns[0]),
    gamma: 0,
    prior: a.prior,
    wstar: polyWstar(a.m),
  };
  const engine = await asUsage(
    () =>
      WalkerEngine.create(device, {
        ...posterior,
        walkers: a.shareWalkers * pairs.length,
        sampler: a.sampler,
        eps: initialStep(posterior),
        groupNbeta,
        groupEps: groupNbeta.map((nb) => initialStep({ n: nb, beta: 1, prior: a.prior })),
        seed: a.seed,
      }),
    rangeAsUsage(' (--share-walkers is per (truth, n))'),
  );
  const shares = [];
  // Each walker's nearest monomial after every sampling batch: the shares' own R̂ (issue 11).
  const tracker = new PolyShareTracker(engine);
  try {
    const r = await runGroups(engine, {
      steps: a.steps,
      burnin: a.burnin,
      init: 'prior',
      tuneStep: true,
      batches: 20,
      afterBatch: () => tracker.observe(),
      onProgress: (done, total) =>
        progress.update(before + (done / total) * workShares, workLlc + workShares, 'walker-steps'),
    });
    for (let g = 0; g < pairs.length; g++) {
      const { count } = engine.groupRange(g);
      diverged += r.groups[g].diverged;
      // Time-and-walker averages; SE from the walkers' time averages (diagnostics.ts).
      const labels = tracker.diagnose(g);
      const measured = labels.shares;
      const diagnostics = { ...r.groups[g].diagnostics, labels };
      unconverged.push({ diagnostics, where: `n = ${pairs[g].n}` });
      const { c, n } = pairs[g];
      const ref = exactShares(a.m, c.data, {
        n,
        beta: wbicBeta(n),
        sigma: a.sigma,
        prior: a.prior,
        samples: a.samples,
        seed: a.seed + 1000 * g,
      });
      // The reference is only a reference when its importance weights are not degenerate.
      const trusted = ref.ess >= 200;
      const se = labels.se.map((x) => Math.max(x, 1 / count));
      const z = measured.map((p, k) => (p - ref.shares[k]) / Math.hypot(se[k], ref.se[k]));
      shares.push({
        truth: a.spread !== undefined ? MONOMIAL_NAMES[c.k] : null,
        n,
        beta: round(wbicBeta(n)),
        walkers: count,
        measured: measured.map((p) => round(p, 4)),
        measured_se: se.map((s) => round(s, 3)),
        exact: trusted ? ref.shares.map((p) => round(p, 4)) : null,
        exact_se: trusted ? ref.se.map((s) => round(s, 3)) : null,
        exact_ess: Math.round(ref.ess),
        max_abs_z: trusted ? round(Math.max(...z.map(Math.abs)), 3) : null,
        acceptance: round(r.groups[g].acceptance, 4),
        shares_rhat: Number.isFinite(labels.rhat) ? round(labels.rhat, 5) : null,
        converged: isConverged(diagnostics),
      });
    }
  } finally {
    engine.destroy();
  }
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  const dataText =
    a.spread !== undefined
      ? `${a.spread} points on a grid over [−1, 1], y = x^k for candidate k`
      : (a.data ?? [{ x: 1, y: 1 }]).map((p) => `(${p.x}, ${p.y})`).join(' ');
  const out = {
    model: a.modelText,
    data: dataText,
    n: a.llcN,
    beta: round(beta),
    gamma: a.gamma,
    prior: `${a.prior.kind}:${a.prior.scale}`,
    sigma: a.sigma,
    walkers: a.walkers,
    ladder: a.ladder,
    steps: a.steps,
    burnin: a.burnin,
    seed: a.seed,
    candidates: rows,
    shares,
    seconds: round(seconds, 4),
    device: description,
  };
  if (a.json) io.stdout(`${JSON.stringify(out)}\n`);
  else io.stdout(humanTables(out));
  warnDiverged(io.stderr, diverged);
  warnUnconverged(io.stderr, unconverged);
  return 0;
}

type Out = {
  model: string;
  data: string;
  n: number;
  beta: number;
  gamma: number;
  prior: string;
  walkers: number;
  ladder: number;
  steps: number;
  burnin: number;
  seconds: number;
  device: string;
  candidates: {
    candidate: string;
    lambda_hat: number;
    lambda_hat_se: number;
    ladder_lambda: number | null;
    ladder_lambda_se: number | null;
    ladder_m: number | null;
    ladder_m_se: number | null;
    theory_lambda: number | null;
    theory_m: number | null;
    theory_finite_n: number | null;
    converged: boolean;
  }[];
  shares: {
    truth: string | null;
    n: number;
    measured: number[];
    measured_se: number[];
    exact: number[] | null;
    exact_ess: number;
    max_abs_z: number | null;
  }[];
};

/** The share columns: one per monomial, 15 wide. */
const SHARE_WIDTHS = MONOMIAL_NAMES.map(() => 15);

function humanTables(o: Out): string {
  const head = `${o.model} on ${o.data}; prior ${o.prior}; ${round(o.seconds, 3)} s on ${o.device}`;
  const t1 = [
    `λ at each candidate's w* (n = ${o.n}, β = ${o.beta}, γ = ${o.gamma}, ${o.walkers} walkers × ${o.ladder >= 3 ? o.ladder + 1 : 1} groups, ${o.steps} steps after ${o.burnin})`,
    'candidate  λ̂ ± SE              ladder λ ± SE        ladder m ± SE        theory λ, m   λ − (m−1)/log nβ',
    ...o.candidates.map((r) =>
      tableRow(
        [10, 20, 20, 20, 13],
        [
          r.candidate,
          plusMinus(r.lambda_hat, r.lambda_hat_se) + (r.converged ? '' : ' ⚠ not mixed'),
          plusMinus(r.ladder_lambda, r.ladder_lambda_se),
          plusMinus(r.ladder_m, r.ladder_m_se),
          r.theory_lambda === null ? '–' : `${r.theory_lambda}, ${r.theory_m}`,
          String(r.theory_finite_n ?? '–'),
        ],
      ),
    ),
  ];
  const lowest = [...o.candidates].sort((x, y) => x.lambda_hat - y.lambda_hat);
  const gap = lowest.length > 1 ? lowest[1].lambda_hat - lowest[0].lambda_hat : 0;
  const gapSe = lowest.length > 1 ? Math.hypot(lowest[0].lambda_hat_se, lowest[1].lambda_hat_se) : 1;
  t1.push(
    lowest.length > 1 && gap > 3 * gapSe
      ? `lowest λ̂: ${lowest[0].candidate} (next ${lowest[1].candidate}, ${round(gap / gapSe, 3)} SE above)`
      : `lowest λ̂: no candidate is lower than the next by 3 SE (${lowest[0].candidate} ${lowest[0].lambda_hat}, ${lowest[1]?.candidate ?? ''} ${lowest[1]?.lambda_hat ?? ''})`,
  );
  const t2 = [
    'posterior shares of the nearest monomial (walkers from the prior, γ = 0, β = 1/log n) vs the exact i.i.d. reference',
    `truth  n         ${tableRow(SHARE_WIDTHS, MONOMIAL_NAMES)} max|z|  ESS`,
    ...o.shares.flatMap((s) => [
      tableRow(
        [6, 9, 0, 7],
        [
          s.truth ?? '–',
          String(s.n),
          tableRow(
            SHARE_WIDTHS,
            s.measured.map((p, k) => `${pct(p)} ± ${(100 * s.measured_se[k]).toFixed(1)}`),
          ),
          String(s.max_abs_z ?? '–'),
        ],
      ),
      tableRow(
        [6, 9, 79, 7],
        [
          '',
          'exact',
          s.exact ? tableRow(SHARE_WIDTHS, s.exact.map(pct)) : 'no trusted reference (ESS < 200)',
          '',
          String(s.exact_ess),
        ],
      ),
    ]),
  ];
  return `${head}\n${t1.join('\n')}\n\n${t2.join('\n')}\n`;
}
