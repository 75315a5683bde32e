/**
 * `occam-lens calibrate`: the estimators against models whose learning coefficient is known exactly
 * (src/core/measures/calibration.ts). For each case: λ̂ at n, β = 1/log n (walkers at w*, localised by γ), the
 * ladder fit's λ and m, and the exact λ, m beside them with the relative deviations.
 */
import { calibrationRegistry } from '../../core/measures/calibration';
import { type Diagnostics, diagnosticFields } from '../../core/measures/diagnostics';
import { measureLocalLambda } from '../../core/measures/local-lambda';
import { wbicBeta } from '../../core/posterior';
import { parsePrior } from '../args';
import { cliDevice, helpOrRun, round, warnDiverged, warnUnconverged } from '../command';
import {
  asUsage,
  intIn,
  num,
  oneOf,
  REPORT_FLAGS,
  rangeAsUsage,
  SAFE_MAX,
  seedFlag,
  subcommandFlags,
  valueFlags,
} from '../flags';
import type { CliIo } from '../io';
import { Progress } from '../progress';
import { plusMinus, tableRow } from '../table';

const options = {
  ...valueFlags(
    'n',
    'gamma',
    'prior',
    'sampler',
    'walkers',
    'steps',
    'burnin',
    'ladder',
    'span',
    'seed',
    'only',
    'init',
  ),
  ...REPORT_FLAGS,
};

export const CALIBRATE_HELP = `occam-lens calibrate: measured λ̂ (and the ladder's λ, m) beside exact learning coefficients.

Usage:
  occam-lens calibrate [--n 100000] [--gamma 1] [--walkers 128] [--steps 2000] [--ladder 5] [--json]

Cases: reduced-rank regression y = BAx (rrr:M=…,N=…,H=…,r=…, noiseless data from a seeded rank-r
teacher with Gaussian inputs; exact λ, m from Aoyagi & Watanabe 2005) in four shapes, and the bias-free
tanh network Σ a_h tanh(b_h x) with zero truth (λ = (H + i² + i)/(4i + 2), i = ⌊√H⌋) for H = 1, 3, and
deep linear networks y = W_3W_2W_1·x (dln:widths=…,r=…; exact λ, m from Aoyagi 2024) in two shapes.
At finite n, nβ·E[K] ≈ λ − (m − 1)/log(nβ) + O(1/log² nβ): λ̂ is biased low when m > 1, hence the large
default n; the ladder fit models that term.

Options:
  --n N              sample size (default 100000; β = 1/log n)
  --gamma G          localisation toward w* (default 1)
  --prior KIND:S     box:R or gauss:σ (default box:3)
  --sampler S        mala or ula (default mala)
  --walkers W        walkers per ladder group (default 128)
  --steps S          sampling steps (default 2000)
  --burnin B         burn-in steps (default 1000)
  --ladder K         temperatures of the ladder fit, 0 or ≥ 3 (default 5)
  --span S           the ladder spans nβ/S … nβ·S (default 4)
  --only I,J,…       run only these cases (1-based indices in the table)
  --init KIND        wstar (default: the LLC estimator's start), mixed (even walkers at w*, odd ones
                     from the prior: the two starts must agree for a row to count as converged; a
                     test of walkers that never leave w*, which needs long burn-in at large n) or prior
  --seed K           integer seed (default 1)
  --json             one JSON line per case on stdout
  --quiet            no progress line on stderr
Exit status: 0 success, 1 runtime failure (no GPU, device error), 2 bad flag or value.`;

interface CalibrateArgs {
  readonly n: number;
  readonly gamma: number;
  readonly prior: ReturnType<typeof parsePrior>;
  readonly sampler: 'mala' | 'ula';
  readonly walkers: number;
  readonly steps: number;
  readonly burnin: number;
  readonly ladder: number;
  readonly span: number;
  readonly only: number[] | null;
  readonly seed: number;
  readonly init: 'wstar' | 'mixed' | 'prior';
  readonly json: boolean;
  readonly quiet: boolean;
}

export function parseCalibrate(
  argv: readonly string[],
): { kind: 'help' } | { kind: 'run'; args: CalibrateArgs } {
  const v = subcommandFlags(argv, options);
  if (v.help) return { kind: 'help' };
  const count = calibrationRegistry().length;
  return {
    kind: 'run',
    args: {
      n: num('n', v.n, 100000, (x) => x > 1 && x <= 1e12, 'a number in (1, 1e12]'),
      gamma: num('gamma', v.gamma, 1, (x) => x >= 0, 'a number ≥ 0'),
      prior: parsePrior(v.prior, 3),
      sampler: oneOf('sampler', v.sampler, ['mala', 'ula'] as const, 'mala'),
      walkers: num('walkers', v.walkers, 128, intIn(1, SAFE_MAX), 'a positive integer'),
      steps: num('steps', v.steps, 2000, intIn(1, SAFE_MAX), 'a positive integer'),
      burnin: num('burnin', v.burnin, 1000, intIn(0, SAFE_MAX), 'an integer ≥ 0'),
      ladder: num('ladder', v.ladder, 5, (x) => x === 0 || intIn(3, 32)(x), '0 or an integer in [3, 32]'),
      span: num('span', v.span, 4, (x) => x > 1 && x <= 100, 'a number in (1, 100]'),
      only:
        v.only === undefined
          ? null
          : v.only.split(',').map((t) => num('only', t, 0, intIn(1, count), `integers in [1, ${count}]`)),
      seed: seedFlag(v.seed),
      init: oneOf('init', v.init, ['wstar', 'mixed', 'prior'] as const, 'wstar'),
      json: v.json ?? false,
      quiet: v.quiet ?? false,
    },
  };
}

export function calibrateMain(argv: readonly string[], io: CliIo): Promise<number> {
  return helpOrRun(parseCalibrate(argv), CALIBRATE_HELP, io, execute);
}

async function execute(a: CalibrateArgs, io: CliIo): Promise<number> {
  const { device, description } = await cliDevice(io);
  const cases = calibrationRegistry()
    .map((c, i) => ({ c, index: i + 1 }))
    .filter(({ index }) => a.only === null || a.only.includes(index));
  const beta = wbicBeta(a.n);
  const nbeta = a.n * beta;
  const groups = a.ladder >= 3 ? a.ladder + 1 : 1;
  const per = groups * a.walkers * (a.steps + a.burnin);
  const progress = new Progress('occam-lens calibrate', io.stderr, !a.quiet);
  const rows = [];
  let diverged = 0;
  const unconverged: { diagnostics: Diagnostics; where: string }[] = [];
  // Each case can take minutes on a software GPU: its line is printed as soon as it is measured.
  if (!a.json)
    io.stdout(
      `calibrate: n = ${a.n}, β = ${round(beta)} (nβ = ${round(nbeta, 4)}), γ = ${a.gamma}, prior ${a.prior.kind}:${a.prior.scale}, ${a.walkers} walkers × ${groups} groups, ${a.steps} steps after ${a.burnin}, on ${description}\n` +
        `#  model                              exact λ,m  λ̂ ± SE                 λ̂/λ−1    λ−(m−1)/log nβ  ladder λ ± SE   ladder m ± SE     accept\n`,
    );
  for (const [j, { c, index }] of cases.entries()) {
    const r = await asUsage(
      () =>
        measureLocalLambda(device, {
          landscape: c.landscape,
          params: c.landscape.params.map((p) => p.default),
          wstar: c.wstar,
          n: a.n,
          beta,
          gamma: a.gamma,
          prior: a.prior,
          sampler: a.sampler,
          walkers: a.walkers,
          steps: a.steps,
          burnin: a.burnin,
          ladder: a.ladder,
          span: a.span,
          seed: a.seed + index,
          init: a.init,
          onProgress: (done, total) =>
            progress.update(j * per + (done / total) * per, cases.length * per, 'walker-steps'),
        }),
      rangeAsUsage(' (--walkers is per ladder group)'),
    );
    diverged += r.diverged;
    unconverged.push({ diagnostics: r.diagnostics, where: `case ${index} (${c.spec})` });
    const finite = c.m === null ? null : c.lambda - (c.m - 1) / Math.log(nbeta);
    rows.push({
      case: index,
      model: c.spec,
      dim: c.landscape.dim,
      exact_lambda: c.lambda,
      exact_m: c.m,
      source: c.source,
      n: a.n,
      beta: round(beta),
      lambda_hat: round(r.lambdaHat),
      lambda_hat_se: round(r.lambdaHatSe, 3),
      lambda_hat_rel_error: round(r.lambdaHat / c.lambda - 1, 3),
      exact_finite_n: finite === null ? null : round(finite, 4),
      ...theoryCheck(r.lambdaHat, r.lambdaHatSe, c.lambda, finite),
      ladder_lambda: r.fit ? round(r.fit.lambda) : null,
      ladder_lambda_se: r.fit ? round(r.fit.lambdaSe, 3) : null,
      ladder_lambda_rel_error: r.fit ? round(r.fit.lambda / c.lambda - 1, 3) : null,
      ladder_m: r.fit ? round(r.fit.m) : null,
      ladder_m_se: r.fit ? round(r.fit.mSe, 3) : null,
      ladder_chi2_per_dof: r.fit ? round(r.fit.chi2PerDof, 3) : null,
      ladder_model: r.fit ? r.fit.formula : null,
      acceptance: round(r.acceptance, 4),
      diverged: r.diverged,
      ...diagnosticFields(r.diagnostics),
      seconds: round(r.seconds, 4),
      device: description,
    });
    const row = rows[rows.length - 1];
    io.stdout(a.json ? `${JSON.stringify(row)}\n` : `${humanRow(row)}\n`);
  }
  progress.done();
  // The ladder columns are fitLadder's (src/core/measures/ladder.ts): say which curve each row's λ, m are of.
  const models = [...new Set(rows.map((r) => r.ladder_model).filter((f) => f !== null))];
  if (!a.json && models.length > 0)
    io.stdout(`ladder λ, m: weighted fit of nβ·E_β[K] over the ladder to ${models.join(' or ')}\n`);
  warnDiverged(io.stderr, diverged);
  warnUnconverged(io.stderr, unconverged);
  return 0;
}

/**
 * Does λ̂ agree with theory? Against the finite-n value λ − (m−1)/log nβ where m is known (5 SE, plus
 * 2 % of λ for the O(1/log² nβ) terms that value leaves out); where m is unknown only λ itself is known,
 * and a λ̂ below it may be the finite-n bias of an m > 1 (so it is reported as unknown, never as agreement)
 * or walkers that never left w*'s neighbourhood (run with --init mixed to test that).
 */
export function theoryCheck(
  lambdaHat: number,
  se: number,
  lambda: number,
  finite: number | null,
): { theory_z: number | null; theory_check: 'agrees' | 'disagrees' | 'below λ, m unknown' } {
  const target = finite ?? lambda;
  const tol = 5 * se + (finite === null ? 0 : 0.02 * lambda);
  const z = se > 0 ? round((lambdaHat - target) / se, 3) : null;
  if (Math.abs(lambdaHat - target) <= tol) return { theory_z: z, theory_check: 'agrees' };
  if (finite === null && lambdaHat < lambda) return { theory_z: z, theory_check: 'below λ, m unknown' };
  return { theory_z: z, theory_check: 'disagrees' };
}

function humanRow(r: {
  case: number;
  model: string;
  exact_lambda: number;
  exact_m: number | null;
  lambda_hat: number;
  lambda_hat_se: number;
  lambda_hat_rel_error: number;
  exact_finite_n: number | null;
  ladder_lambda: number | null;
  ladder_lambda_se: number | null;
  ladder_m: number | null;
  ladder_m_se: number | null;
  acceptance: number;
  converged: boolean;
  theory_z: number | null;
  theory_check: string;
}): string {
  return tableRow(
    [2, 34, 10, 22, 8, 15, 20, 18],
    [
      String(r.case),
      r.model,
      `${round(r.exact_lambda, 4)}, ${r.exact_m ?? '?'}`,
      plusMinus(r.lambda_hat, r.lambda_hat_se),
      `${(100 * r.lambda_hat_rel_error).toFixed(1)}%`,
      String(r.exact_finite_n ?? '–'),
      plusMinus(r.ladder_lambda, r.ladder_lambda_se),
      plusMinus(r.ladder_m, r.ladder_m_se),
      String(r.acceptance) +
        (r.converged ? '' : '  ⚠ not mixed') +
        (r.theory_check === 'agrees' ? '' : `  ✗ ${r.theory_check} (${r.theory_z ?? '–'} SE)`),
    ],
  );
}
