/**
 * `occam-lens generalisation`: Bayes generalisation error against n with the λ/n reference line
 * (src/core/measures/generalisation/). Parsing and execution live here; args.ts and main.ts only dispatch.
 */

import { mlpDefaults } from '../../core/landscapes/models/mlp';
import { LIMITS, within } from '../../core/limits';
import { diagnosticFields } from '../../core/measures/diagnostics';
import {
  type GeneralisationConfig,
  type GenModelSpec,
  type GenPoint,
  type GenResult,
  mlpMaxPoints,
  runGeneralisation,
  validateGeneralisation,
} from '../../core/measures/generalisation';
import { type PolyBgReference, polyBgReference } from '../../core/measures/poly-reference';
import { assertResult } from '../../core/measures/result-check';
import type { InitKind, SamplerKind } from '../../core/posterior';
import { parsePrior } from '../args';
import { acceptanceFields, cliDevice, helpOrRun, round, warnDiverged, warnUnconverged } from '../command';
import {
  asUsage,
  intIn,
  limited,
  num,
  numList,
  oneOf,
  REPORT_FLAGS,
  SAFE_MAX,
  seedFlag,
  subcommandFlags,
  UsageError,
  valueFlags,
} from '../flags';
import type { CliIo } from '../io';
import { parseMlpSpec } from '../landscape-flags';
import { Progress } from '../progress';
import { plusMinus, tableRow } from '../table';

/** Posterior samples per dataset of the finite-n reference (its datasets: --ref-datasets). */
const REFERENCE_SAMPLES = 300;

const options = {
  ...valueFlags(
    'model',
    'm',
    'n',
    'datasets',
    'walkers',
    'burnin',
    'steps',
    'snapshots',
    'sigma',
    'sharpness',
    'prior',
    'sampler',
    'step',
    'init',
    'seed',
    'test-points',
    'ref-datasets',
  ),
  ...REPORT_FLAGS,
};

const POLY_NS = [20, 50, 100, 200, 500, 1000];
const MLP_NS = [16, 32, 64, 128, 256];

export const GENERALISATION_HELP = `occam-lens generalisation: Bayes generalisation error against n, beside λ/n.

Usage:
  occam-lens generalisation [--model poly:1,2,3,4,5 | --model poly --m 1,1,1,1,1 | --model mlp:…]
                            [--n 20,50,100,200,500,1000] [--datasets 8] [--walkers 256] [--json]

For each n and each of K datasets (x uniform, y = f₀(x) + σ·ε, f₀ the model's function at w*: the
constant 1 for poly, the teacher for mlp), walkers sample the Bayes posterior (β = 1) and
  B_g = E_x KL( N(f₀(x), σ²) ‖ p*(y|x) ),  p* = the posterior predictive (mean over walkers of N(f_w(x), σ²)),
on held-out inputs (Gauss–Legendre in x, Gauss–Hermite in y). Watanabe: E[B_g] = λ/n + o(1/n).
The reference λ: exact for poly (#{k: m_k ≥ 1}/2, e.g. 5/2 for m = 1,2,3,4,5), measured for mlp (the
LLC on noiseless teacher data at the largest n, β = 1/log n). Dataset k of size n is the first n
points of one Philox stream, so the datasets are nested in n. The polynomial model runs up to 50
(n, dataset) pairs in one population; each mlp pair has its own.

Options:
  --model SPEC       poly:m0,m1,m2,m3,m4 (default poly:1,2,3,4,5; bare 'poly' takes --m), or
                     mlp:in=1,width=4,teacher=3,act=tanh,seed=7 (seed: the teacher's; points come from --n)
  --m M0,…,M4        parameter counts of poly (with --model poly)
  --n N1,N2,…        dataset sizes, integers ≥ 2 (default ${POLY_NS.join(',')}; mlp ${MLP_NS.join(',')}, at most
                     ${mlpMaxPoints(1)} points with one input, ${mlpMaxPoints(2)} with two)
  --datasets K       datasets per n, ≥ 2 (default 8): B_g is the mean over them, its SE sd/√K
  --walkers W        walkers per (n, dataset) (default 256)
  --burnin B         burn-in steps (default 2000; the singular models mix slowly)
  --steps S          sampling steps (default 2000)
  --snapshots K      readings of the predictive during sampling, pooled (default 20)
  --sigma S          noise σ of the data and of the likelihood (default 1)
  --sharpness S      softplus sharpness of mlp with act=softplus (default 1)
  --prior KIND:S     box:R or gauss:σ (default box:2 for poly, box:3 for mlp)
  --sampler S        mala or ula (default mala)
  --step E           fixed step size; without it MALA tunes ε per (n, dataset) toward acceptance 0.57 (0.8 in ≤ 2-D)
  --init I           mixed (even walkers at w*, odd from the prior), wstar or prior (default mixed)
  --seed K           integer seed of the data and the walkers (default 1)
  --test-points T    held-out inputs per input dimension (default 16)
  --ref-datasets K   (poly, box prior) datasets per n of the finite-n reference E[n·B_g] by Metropolis
                     in coefficient space on the CPU (default 100: SE ≈ 0.13 at σ = 1; 0: none)
  --json             one JSON line per n on stdout (progress stays on stderr)
  --quiet            no progress line on stderr

Output of --json (one line per n):
  {model, n, datasets, walkers, bg, bg_se, n_bg, n_bg_se, lambda_ref, lambda_ref_se, lambda_ref_kind,
   lambda_over_n, ref_n_bg, ref_n_bg_se, ref_paired_diff, ref_paired_diff_se, ref_paired_datasets,
   acceptance, diverged, seconds, device}; ref_paired_diff: mean over the shared datasets of the
   measured minus the reference n·B_g (the sharp comparison: the datasets' spread cancels)
Exit status: 0 success, 1 runtime failure (no GPU, device error), 2 bad flag or value.`;

export interface GeneralisationArgs {
  readonly config: GeneralisationConfig;
  readonly modelText: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Datasets per n of the finite-n reference E[n·B_g] (polynomial model; 0: none). */
  readonly refDatasets: number;
}

const positiveInt = intIn(1, SAFE_MAX);

function parseModelFlags(
  model: string | undefined,
  m: string | undefined,
): { spec: GenModelSpec; text: string } {
  const text = model ?? 'poly';
  const [kind, rest] = text.split(/:(.*)/s);
  if (kind === 'poly') {
    if (rest !== undefined && m !== undefined)
      throw new UsageError('--m: give the counts either in --model poly:… or in --m');
    const counts = rest ?? m ?? '1,2,3,4,5';
    const values = counts.split(',').map((s) => Number(s.trim()));
    if (values.length !== 5 || values.some((k) => !Number.isInteger(k) || k < 0 || k > 8))
      throw new UsageError(
        `--${rest !== undefined ? 'model' : 'm'}: expected five integers in [0, 8], got '${counts}'`,
      );
    const d = values.reduce((a, b) => a + b, 0);
    if (d < 1 || d > 32)
      throw new UsageError(
        `--${rest !== undefined ? 'model' : 'm'}: the counts must add up to 1..32, got ${d}`,
      );
    return { spec: { kind: 'poly', m: values }, text: `poly:${values.join(',')}` };
  }
  if (kind === 'mlp') {
    if (m !== undefined) throw new UsageError('--m is only for --model poly');
    const o = parseMlpSpec(rest ?? '');
    if (o.points !== undefined)
      throw new UsageError('--model: points= does not apply here: --n gives the dataset sizes');
    return { spec: { kind: 'mlp', options: { ...mlpDefaults, ...o } }, text };
  }
  throw new UsageError(`--model: expected poly[:m0,…,m4] or mlp[:key=value,…], got '${text}'`);
}

export type GeneralisationParsed = { kind: 'help' } | { kind: 'run'; args: GeneralisationArgs };

/** Parses the flags after `generalisation`. Throws UsageError naming the flag. */
export function parseGeneralisation(argv: readonly string[]): GeneralisationParsed {
  const v = subcommandFlags(argv, options);
  if (v.help) return { kind: 'help' };
  const { spec, text } = parseModelFlags(v.model, v.m);
  if (v.sharpness !== undefined && !(spec.kind === 'mlp' && spec.options.activation === 'softplus'))
    throw new UsageError('--sharpness: only for --model mlp with act=softplus');
  const ns =
    v.n === undefined
      ? spec.kind === 'poly'
        ? POLY_NS
        : MLP_NS.filter((n) => n <= mlpMaxPoints(spec.options.inputs))
      : numList('n', v.n, intIn(2), 'comma-separated integers ≥ 2');
  if (ns.length > 32) throw new UsageError(`--n: at most 32 values, got ${ns.length}`);
  const steps = num('steps', v.steps, 2000, positiveInt, 'a positive integer');
  const config: GeneralisationConfig = {
    model: spec,
    sigma: num(
      'sigma',
      v.sigma,
      1,
      (x) => within(LIMITS.sigma, x) && x <= 100,
      `a number in [1e-6, 100] (${LIMITS.sigma.why})`,
    ),
    sharpness: num('sharpness', v.sharpness, 1, (x) => x >= 0.1 && x <= 50, 'a number in [0.1, 50]'),
    ns,
    datasets: num('datasets', v.datasets, 8, intIn(2, 1024), 'an integer in [2, 1024]'),
    walkers: num('walkers', v.walkers, 256, positiveInt, 'a positive integer'),
    burnin: num('burnin', v.burnin, 2000, intIn(0, SAFE_MAX), 'an integer ≥ 0'),
    steps,
    snapshots: num(
      'snapshots',
      v.snapshots,
      Math.min(20, steps),
      intIn(1, steps),
      `an integer in [1, --steps]`,
    ),
    sampler: oneOf<SamplerKind>('sampler', v.sampler, ['mala', 'ula'], 'mala'),
    prior: v.prior === undefined ? undefined : parsePrior(v.prior, 1),
    step: v.step === undefined ? undefined : limited('step', v.step, 0, LIMITS.step),
    init: oneOf<InitKind>('init', v.init, ['mixed', 'wstar', 'prior'], 'mixed'),
    seed: seedFlag(v.seed),
    testPoints: num('test-points', v['test-points'], 16, intIn(2, 64), 'an integer in [2, 64]'),
  };
  asUsage(
    () => validateGeneralisation(config),
    (err) => {
      if (!(err instanceof RangeError)) return undefined;
      // Messages start with the field's name; the network's own checks (mlp: …) belong to --model.
      const flag =
        /^(n|datasets|walkers|burnin|steps|snapshots|sigma|seed)\b/.exec(err.message)?.[1] ?? 'model';
      return `--${flag}: ${err.message.replace(/^n:\s*/, '')}`;
    },
  );
  const refDatasets = num(
    'ref-datasets',
    v['ref-datasets'],
    100,
    (x) => Number.isInteger(x) && (x === 0 || (x >= 2 && x <= 100_000)),
    'an integer: 0 or in [2, 100000]',
  );
  return {
    kind: 'run',
    args: { config, modelText: text, json: v.json ?? false, quiet: v.quiet ?? false, refDatasets },
  };
}

/** Mean and SE of n·B_g(measured) − n·B_g(reference), dataset by dataset (null under 2 shared). */
function pairedFields(p: GenPoint, ref: PolyBgReference | null) {
  const k = ref ? Math.min(p.perDataset.length, ref.perDataset.length) : 0;
  if (!ref || k < 2) return { ref_paired_diff: null, ref_paired_diff_se: null, ref_paired_datasets: k };
  const d = Array.from({ length: k }, (_, i) => p.n * p.perDataset[i] - ref.perDataset[i]);
  const mean = d.reduce((a, b) => a + b, 0) / k;
  const sd = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1));
  return {
    ref_paired_diff: round(mean),
    ref_paired_diff_se: round(sd / Math.sqrt(k), 3),
    ref_paired_datasets: k,
  };
}

/** One row per n, as printed with --json. */
function generalisationRows(
  args: GeneralisationArgs,
  r: GenResult,
  device: string,
  finite: readonly (PolyBgReference | null)[],
  stderr: CliIo['stderr'],
) {
  return r.points.map((p, j) => ({
    model: args.modelText,
    n: p.n,
    datasets: p.perDataset.length,
    walkers: args.config.walkers,
    bg: round(p.bg),
    bg_se: round(p.bgSe, 3),
    n_bg: round(p.nBg),
    n_bg_se: round(p.nBgSe, 3),
    lambda_ref: round(r.reference.lambda),
    lambda_ref_se: round(r.reference.se, 3),
    lambda_ref_kind: r.reference.kind,
    lambda_over_n: round(r.reference.lambda / p.n),
    ref_n_bg: finite[j] ? round(finite[j].nBg) : null,
    ref_n_bg_se: finite[j] ? round(finite[j].nBgSe, 3) : null,
    // Measurement − reference on the datasets both ran (the first min(K, --ref-datasets)): the
    // dataset-to-dataset spread (sd ≈ 1.4 at n = 100) cancels, so this is the sharp comparison.
    ...pairedFields(p, finite[j]),
    // MALA's acceptance; for ULA its MH acceptance and the bias flag (issue 18), with a warning.
    ...acceptanceFields(stderr, args.config.sampler, p.acceptance, p.eps, r.dim, ` at n = ${p.n}`),
    diverged: p.diverged,
    // The worst of this n's datasets; a point never read has no verdict and is not converged.
    ...(p.diagnostics
      ? diagnosticFields(p.diagnostics)
      : { rhat: null, ess: null, starts_z: null, stuck: 0, converged: false }),
    seconds: round(r.seconds, 4),
    device,
  }));
}

async function execute(args: GeneralisationArgs, io: CliIo): Promise<number> {
  const { device, description } = await cliDevice(io);
  const progress = new Progress('occam-lens generalisation', io.stderr, !args.quiet);
  const result = await asUsage(
    () =>
      runGeneralisation(device, {
        ...args.config,
        onProgress: (done, total) => progress.update(done, total, 'walker-steps'),
      }),
    // The device's walker limit: the run's flags, not a failure of the tool.
    (err) =>
      err instanceof RangeError && err.message.startsWith('walkers')
        ? `--walkers: ${err.message} (--walkers is per (n, dataset))`
        : undefined,
  );
  progress.done();
  // Every point must be a result (issue 16): B_g from non-finite losses is no measurement.
  const c = args.config;
  for (const p of result.points)
    assertResult({
      values: { bg: p.bg, bg_se: p.bgSe, n_bg: p.nBg, n_bg_se: p.nBgSe, lambda_ref: result.reference.lambda },
      sampler: c.sampler,
      acceptance: p.acceptance,
      diverged: p.diverged,
      walkerSteps: c.walkers * c.datasets * c.steps,
      eps: c.step ?? Number.NaN,
      stepGiven: c.step !== undefined,
      label: `n = ${p.n}, σ = ${c.sigma}`,
    });
  // The finite-n reference E[n·B_g] (polynomial model, box prior): λ is only its n → ∞ limit.
  const polyRef =
    args.refDatasets >= 2 && c.model.kind === 'poly' && (c.prior === undefined || c.prior.kind === 'box');
  const finite = result.points.map((p) =>
    polyRef && c.model.kind === 'poly'
      ? polyBgReference({
          m: c.model.m,
          sigma: c.sigma,
          n: p.n,
          datasets: args.refDatasets,
          samples: REFERENCE_SAMPLES,
          seed: c.seed,
          bound: c.prior?.scale ?? 2,
        })
      : null,
  );
  const rows = generalisationRows(args, result, description, finite, io.stderr);
  if (args.json) {
    for (const row of rows) io.stdout(`${JSON.stringify(row)}\n`);
  } else {
    const ref = result.reference;
    const header =
      'n         B_g ± SE                  n·B_g ± SE          ref E[n·B_g] ± SE   λ/n (n→∞)   accept   R̂';
    const lines = rows.map((r) =>
      tableRow(
        [9, 25, 19, 19, 11, 8],
        [
          String(r.n),
          plusMinus(r.bg, r.bg_se),
          plusMinus(r.n_bg, r.n_bg_se),
          plusMinus(r.ref_n_bg, r.ref_n_bg_se),
          String(r.lambda_over_n),
          `${r.acceptance ?? r.mh_acceptance}${r.biased ? ' BIASED' : ''}`,
          `${r.rhat ?? '–'}${r.converged ? '' : ' NOT CONVERGED'}`,
        ],
      ),
    );
    io.stdout(
      `${args.modelText}: ${args.config.datasets} datasets × ${args.config.walkers} walkers per n, σ = ${args.config.sigma}, ${round(result.seconds, 3)} s on ${description}\n` +
        `reference λ = ${round(ref.lambda)}${ref.kind === 'measured' ? ` ± ${round(ref.se, 3)}` : ''} (${ref.note}); λ/n is the n → ∞ asymptote of E[B_g], not its finite-n value\n` +
        (polyRef
          ? `ref E[n·B_g]: MCMC in coefficient space, ${args.refDatasets} datasets (the run's own first ${Math.min(c.datasets, args.refDatasets)}) × ${REFERENCE_SAMPLES} posterior samples, CPU f64\n`
          : '') +
        `${header}\n${lines.join('\n')}\n`,
    );
  }
  warnDiverged(
    io.stderr,
    rows.reduce((s, r) => s + r.diverged, 0),
  );
  warnUnconverged(
    io.stderr,
    result.points.flatMap((p) =>
      p.diagnostics ? [{ diagnostics: p.diagnostics, where: `n = ${p.n}` }] : [],
    ),
  );
  return 0;
}

/** `occam-lens generalisation …` (argv after the command word). Throws UsageError for bad flags. */
export async function generalisationMain(argv: readonly string[], io: CliIo): Promise<number> {
  return helpOrRun(parseGeneralisation(argv), GENERALISATION_HELP, io, execute);
}
