/**
 * Flag parsing and validation for the `occam-lens` CLI. Every bad flag or value becomes a UsageError
 * (flags.ts) whose message names it; main() turns that into exit status 2. A flag that is also a scene
 * setting (the schema fields with `cli: run`) takes its name, default and options from the scene
 * schema (schema-flags.ts), in --help too.
 */
import { defaultWstar, type Landscape, landscapes } from '../core/landscapes/landscapes';
import { describe, LIMITS, within } from '../core/limits';
import { BURN_IN_POLICY } from '../core/measures/burnin';
import type { InitKind, Prior, SamplerKind } from '../core/posterior';
import { wbicBeta } from '../core/posterior';
import {
  DEFAULT_EXCHANGE_EVERY,
  MAX_FULL_METRIC_DIM,
  MAX_GROUPS,
  MAX_RUN_STEPS,
  PRECONDITIONS,
  type PreconditionKind,
} from '../core/walkers/walker-engine';
import { schema } from '../scene/schema';
import { decimal } from '../scene/specs';
import { BACKEND_FLAGS, BACKEND_HELP, type BackendChoice, parseBackend } from './backend-flag';
import {
  intIn,
  limited,
  num,
  numList,
  oneOf,
  parseFlags,
  REPORT_FLAGS,
  seedFlag,
  UsageError,
  valueFlags,
} from './flags';
import { resolveLandscape } from './landscape-flags';
import { schemaDefaults, schemaFlagNames } from './schema-flags';

export const COMMANDS = ['llc', 'sample', 'sweep'] as const;
/** Hot groups under a plain `llc --model poly:…` (see parseCli). */
export const DEFAULT_POLY_HOT_LADDER = 4;
export type Command = (typeof COMMANDS)[number];

/**
 * The defaults of the flags that are scene settings (n, γ, sampler, walkers, seed, start): the
 * schema's, except where a command-line run differs from the app's live view.
 */
export const RUN_OVERRIDES = {
  // The app's 0 means "as many as the frame budget allows"; a CLI run has no frame budget.
  walkers: 1024,
} as const;
const DEFAULTS = schemaDefaults('run', RUN_OVERRIDES);

export interface RunArgs {
  readonly command: Command;
  readonly landscape: Landscape;
  readonly params: number[];
  /** The formula or model text, when the landscape came from one. */
  readonly formula?: string;
  readonly model?: string;
  readonly n: number;
  readonly beta: number;
  readonly gamma: number;
  readonly prior: Prior;
  readonly sampler: SamplerKind;
  /** Fixed step size, or undefined to tune it during burn-in (MALA). */
  readonly step: number | undefined;
  readonly walkers: number;
  readonly steps: number;
  readonly burnin: number;
  readonly seed: number;
  readonly init: InitKind;
  readonly wstar: number[];
  readonly json: boolean;
  readonly out: string | undefined;
  /** --force: --out may replace an existing file (src/cli/out-file.ts). */
  readonly force: boolean;
  readonly quiet: boolean;
  /** sweep: the values of n (β = 1/log n each unless --beta is given). */
  readonly ns: number[];
  /** llc --ladder K: temperatures in the ladder (0: none), spanning [β0/span, span·β0]. */
  readonly ladder: number;
  readonly ladderSpan: number;
  /** Radius of the ball around w* for "mass near w*". */
  readonly radius: number;
  readonly csv: boolean;
  /** True when --beta was given (sweeps then use it for every n instead of 1/log n). */
  readonly betaGiven: boolean;
  /** Replica exchange between neighbouring groups (sweep, --ladder): swap every `exchangeEvery` steps, 0 = off. */
  readonly exchangeEvery: number;
  /** llc/sample: checkpoint file written during the sampling phase, and its interval in seconds. */
  readonly checkpoint?: string;
  readonly checkpointEvery: number;
  /** llc/sample: checkpoint to continue from. */
  readonly resume?: string;
  /** llc --hot-ladder K: K hotter groups under the target n·β, exchanging states with it (0: none). */
  readonly hotLadder: number;
  /** Ensemble preconditioning during a tuned burn-in. */
  readonly precondition: PreconditionKind;
  /** Where the walkers run (llc, sample): backend-flag.ts. */
  readonly backend: BackendChoice;
}

const options = {
  ...valueFlags(
    'landscape',
    'a',
    'b',
    'formula',
    'dim',
    'model',
    'data',
    'sigma',
    'sharpness',
    ...schemaFlagNames('run'),
    'beta',
    'prior',
    'step',
    'steps',
    'burnin',
    'wstar',
    'out',
    'ladder',
    'ladder-span',
    'radius',
    'exchange',
    'exchange-every',
    'checkpoint',
    'checkpoint-every',
    'resume',
    'hot-ladder',
    'precondition',
  ),
  const: { type: 'string', multiple: true },
  csv: { type: 'boolean' },
  force: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  ...REPORT_FLAGS,
  ...BACKEND_FLAGS,
} as const;

export const HELP = `occam-lens: Langevin walkers on tempered posteriors, from the command line (WebGPU via Dawn).

Usage:
  occam-lens llc    (--landscape NAME | --formula TEXT | --model SPEC) [options]   estimate λ̂
  occam-lens sample (--landscape NAME | --formula TEXT | --model SPEC) --out FILE.csv [options]
  occam-lens sweep  (--landscape NAME | --formula TEXT | --model SPEC) --n 100,1000,... [options]
                    λ̂, its SE, mass near w*, WBIC and acceptance for each n, all in one population
  occam-lens randnet [options]   count the Boolean functions of random networks (see randnet --help)
  occam-lens sgd-vs-bayes --target 0011 [options]   P_SGD(f|S) vs P_B(f|S) (see sgd-vs-bayes --help)
  occam-lens generalisation [--model poly:1,2,3,4,5|mlp:…] --n 20,50,... [options]
                    Bayes generalisation error vs n beside λ/n (see generalisation --help)
  occam-lens which-function [--model poly:…] [--data X:Y,… | --spread K]   λ̂, m and shares per monomial
  occam-lens calibrate [--n 100000]   measured λ̂ beside exact λ (reduced-rank regression, tanh, deep linear)
  occam-lens record --shot FILE.json --out CLIP.mp4   render a scripted shot in headless Chromium
  occam-lens screenshot [--preset NAME] [--scale 2] --out SHOT.png   (see record --help)
  occam-lens --help | --version

Landscapes (2-D; w* = the singular point at the origin, L_n(w*) = 0):
${landscapes.map((l) => `  ${l.id.padEnd(14)} ${l.description}`).join('\n')}

Choosing the loss (exactly one of):
  --landscape NAME   a built-in: ${landscapes.map((l) => l.id).join(', ')}
  --a INT, --b INT   exponents of crossing and sum-of-powers (integers 1..6, default 1)
  --formula TEXT     any loss over w1 … w32: numbers, + - * / ^, parentheses, abs min max exp log sqrt
                     sin cos tanh sigmoid softplus relu, pi, and named constants (e.g. a) that
                     --const sets; the gradient is exact (reverse mode on the parsed formula)
  --const NAME=X     value of a named constant in --formula (repeatable; default 1)
  --dim D            dimension for --formula (default: the highest wi used; extra wi are free)
  --model SPEC       poly:m0,m1,m2,m3,m4   the post's polynomial Σ c_k x^k, c_k a product of m_k
                                         parameters (e.g. poly:1,2,3,4,5: 15 parameters)
                     mlp:in=1,width=4,teacher=3,act=tanh,points=32,seed=7
                                         one-hidden-layer student fitted to a teacher's data
                                         (act: tanh, relu, softplus; in: 1 or 2; widths 1..8)
                     rrr:M=3,N=3,H=2,r=1   reduced-rank regression y = BAx (M, N ≤ 8), noiseless data
                                         from a seeded rank-r teacher; exact λ, m (Aoyagi & Watanabe 2005)
                     dln:widths=3x2x2x3,r=1   deep linear network y = W_L⋯W_1·x (widths input…output,
                                         each ≤ 8), noiseless data from a seeded rank-r teacher; exact λ, m (Aoyagi 2024)
  --data X:Y,...     data points for poly (default 1:1)
  --sigma S          likelihood noise σ of poly and mlp (default 1)
  --sharpness S      softplus sharpness of mlp with act=softplus (default 1)
  w* defaults to the origin; for poly the constant fit c_0 = 1, for mlp the teacher's weights.

Options:
  --n N              nominal sample size n > 1 (default ${DEFAULTS.n})
  --beta B           inverse temperature β > 0 (default 1/log n, the WBIC temperature)
  --gamma G          localisation strength γ ≥ 0 toward w* (default ${DEFAULTS.gamma})
  --prior KIND:S     box:R (uniform on [−R,R]^d) or gauss:σ (N(0,σ²I)) (default box:1; poly box:2,
                     mlp box:3)
  --sampler S        mala (exact, Metropolis-adjusted) or ula (unadjusted Langevin) (default ${DEFAULTS.sampler})
  --step E           step size ε > 0; without it ε is tuned during burn-in from min(0.1·R², 0.5/(nβ)):
                     MALA toward acceptance 0.57 (0.8 in ≤ 2-D), ULA toward the MH acceptance at which its bias on a
                     Gaussian is 2% (mh_acceptance; below the 5%-bias level a ULA run is flagged
                     biased). With a box prior, √ε may not exceed the box's diagonal 2R·√d
  --precondition P   none, diag or full (default diag): during a tuned burn-in each group's proposal
                     metric becomes its walkers' per-coordinate variances (diag) or their covariance
                     matrix (full, d ≤ 16), then is frozen (MALA stays exact). full does not fold
                     moves at a box prior's walls but rejects those leaving the box, so walls may
                     trap walkers (the stuck count reports it); no such issue with a gauss prior
  --walkers N        parallel walkers (default ${DEFAULTS.walkers}; capped by the device's buffer limits)
  --steps S          sampling steps per walker (default 2000)
  --burnin B         burn-in steps per walker, not counted in λ̂ (default ${BURN_IN_POLICY.defaultBurnin})
  --seed K           integer seed, 0 ≤ K < 2^53 (default ${DEFAULTS.seed}); the same seed reproduces a run exactly
  --init I           mixed (even walkers at w*, odd ones from the prior: overdispersed starts for the
                     convergence diagnostics), wstar (every walker at w*, as devinterp's chains do) or
                     prior (default ${DEFAULTS.init})
  --wstar X,Y,...    the point w*, d comma-separated numbers (default: see above)
  --out FILE         (sample) CSV file for the final positions: columns w1..wd, loss; its folder is
                     checked before the run and an existing file is kept unless --force is given
  --force            (sample) let --out replace an existing file (once the new one is complete)
  --json             print one JSON object on stdout (sweep: one JSON line per n); progress stays on stderr
  --csv              (sweep) print CSV with a header line instead
  --ladder K         (llc) also run K temperatures β0/S … S·β0 around β0 = 1/log n as walker groups in
                     the same population (--walkers each) and fit nβ·E[L] from the exact asymptotics of
                     normal crossings: λ − (m−1)/(log nβ + c), or for m = 1 the power-law approach
                     λ − δC·nβ^−δ/(1 − C·nβ^−δ) where it fits decisively better; adds lambda_fit,
                     m_fit, fit_model, fit_formula, c_fit, delta_fit, their SEs and per-rung residuals (K in 3..63)
  --ladder-span S    the ladder's span S > 1 (default 4); a wider span (e.g. 16) shrinks the SE of m
  --radius R         radius of the ball around w* for mass_near (default 0.1)
  --exchange on|off  (sweep, llc --ladder) replica exchange: walker k of each group swaps its state with
                     walker k of the group at the next n·β, accepted with the exact Metropolis ratio
                     exp((nβ_i − nβ_j)(L_i − L_j)), even and odd pairs alternating (default on); lets
                     cold groups cross between basins through the hot ones. Adds swap_acceptance
  --exchange-every K steps between swaps (default ${DEFAULT_EXCHANGE_EVERY})
  --hot-ladder K     (llc) add K hotter walker groups (--walkers each), n·β log-spaced from the target's
                     down to max(1, nβ/1000), that exchange states with the target group; their samples
                     are discarded and only the target group is reported (K in 0..${MAX_GROUPS - 1};
                     default ${DEFAULT_POLY_HOT_LADDER} for llc --model poly, whose shares need it; else 0)
  --steps S          (at most 2^32 steps with --burnin: the RNG's step counter is 32 bits; memory stays
                     bounded however long the run)
  --checkpoint FILE  (llc, sample) write the walkers' state to FILE after each of the 20 sampling batches,
                     every --checkpoint-every seconds (default 60) and on Ctrl-C (then exit 130)
  --resume FILE      (llc, sample) continue a checkpointed run: the same flags are required (checked);
                     the result is bit for bit the uninterrupted run's on the same device
  --quiet            no progress line on stderr
  ${BACKEND_HELP.replace(/\n {24}/g, '\n                     ')}

Output of llc --json:
  {landscape, params, n, beta, sampler, walkers, steps, burnin, seed, step, lambda_hat, lambda_hat_se,
   lambda_hat_se_batch, mean_loss, loss_at_wstar, acceptance (MALA) or mh_acceptance and biased (ULA),
   diverged, rhat, ess, starts_z, stuck, converged, exact_lambda, exact_m, seconds, device}
Every result (llc, sample, sweep rows, ladder rungs) says whether the walkers mixed: rhat (split-R̂ of
the loss over 2 half-chains per walker; converged needs < 1.05), ess (effective sample size, ≥ 400),
starts_z (w*- minus prior-started walkers' mean loss in SE, |z| < 5), stuck (walkers with acceptance
< 0.05, at most 0.1 %). The polynomial model adds function_shares (nearest monomial, averaged over
walkers and the 20 batch snapshots), function_shares_se, and shares_rhat / shares_starts_z: the same
tests on each monomial's indicator, which the loss cannot see (every zero set has the same loss).
An unconverged result says which test failed on stderr.
λ̂ = nβ·(E[L_n] − L_n(w*)); its standard error treats walkers as independent chains (each walker's
time average is one draw); lambda_hat_se_batch is the batch-means error over time, as a cross-check.
Exit status: 0 success, 1 runtime failure (no GPU, device error) or no trustworthy result (a non-finite
value, every walker diverged, or acceptance 0: the walkers never moved; the message names the cause),
2 bad flag or value (including values beyond what the f32 engine can hold; the message gives the limit).`;

export function parsePrior(text: string | undefined, defaultBound: number): Prior {
  if (text === undefined) return { kind: 'box', scale: defaultBound };
  const m = /^(box|gauss):([^:]+)$/.exec(text.trim());
  const scale = m ? decimal(m[2]) : Number.NaN;
  if (!m || !Number.isFinite(scale) || scale <= 0) {
    throw new UsageError(`--prior: expected box:R or gauss:SIGMA with a positive number, got '${text}'`);
  }
  if (!within(LIMITS.priorScale, scale))
    throw new UsageError(`--prior: the scale must be ${describe(LIMITS.priorScale)}, got '${text}'`);
  return { kind: m[1] as Prior['kind'], scale };
}

export type Parsed =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; args: RunArgs }
  /** `randnet` has its own flags (src/cli/commands/randnet.ts): the words after it, unparsed. */
  | { kind: 'randnet'; argv: string[] }
  /** `generalisation` has its own flags (src/cli/commands/generalisation.ts). */
  | { kind: 'generalisation'; argv: string[] }
  /** `record` / `screenshot` have their own flags (src/cli/commands/capture.ts). */
  | { kind: 'capture'; command: 'record' | 'screenshot'; argv: string[] };

export function parseCli(argv: readonly string[]): Parsed {
  if (argv[0] === 'randnet') return { kind: 'randnet', argv: argv.slice(1) };
  if (argv[0] === 'generalisation') return { kind: 'generalisation', argv: argv.slice(1) };
  if (argv[0] === 'record' || argv[0] === 'screenshot')
    return { kind: 'capture', command: argv[0], argv: argv.slice(1) };
  const parsed = parseFlags(argv, options);
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  const [command, ...extra] = parsed.positionals;
  if (command === undefined)
    throw new UsageError(`missing command: one of ${COMMANDS.join(', ')} (see --help)`);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command '${command}': expected one of ${COMMANDS.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);

  const { landscape, params } = resolveLandscape(v);

  let ns: number[] = [];
  if (command === 'sweep') {
    if (v.n === undefined)
      throw new UsageError('--n is required for sweep: a comma-separated list such as 100,1000,10000');
    ns = numList('n', v.n, (x) => within(LIMITS.n, x), `comma-separated numbers, each ${describe(LIMITS.n)}`);
    if (ns.length > MAX_GROUPS) throw new UsageError(`--n: at most ${MAX_GROUPS} values, got ${ns.length}`);
  }
  // The CLI's n and γ are bounded by what the f32 engine can hold (LIMITS), not by the app's slider
  // ranges: a command-line run may ask for n = 1e12.
  const n = command === 'sweep' ? ns[0] : limited('n', v.n, DEFAULTS.n, LIMITS.n);
  const ladder = num('ladder', v.ladder, 0, intIn(3, MAX_GROUPS - 1), `an integer in [3, ${MAX_GROUPS - 1}]`);
  // The polynomial model's function shares mix only through hotter replicas (issue 11: from w*
  // a plain run gives 64 % for the constant against the exact 32 %; 4 hot groups give 32.3 %), so a
  // plain llc on it gets DEFAULT_POLY_HOT_LADDER of them unless asked otherwise (0: none).
  const polyDefault =
    landscape.id === 'poly' &&
    command === 'llc' &&
    ladder === 0 &&
    v.checkpoint === undefined &&
    v['checkpoint-every'] === undefined &&
    v.resume === undefined;
  const hotLadder = num(
    'hot-ladder',
    v['hot-ladder'],
    polyDefault ? DEFAULT_POLY_HOT_LADDER : 0,
    intIn(0, MAX_GROUPS - 1),
    `an integer in [0, ${MAX_GROUPS - 1}]`,
  );
  if (v['hot-ladder'] !== undefined && (command !== 'llc' || ladder > 0))
    throw new UsageError('--hot-ladder is only for llc (without --ladder)');
  if (v.ladder !== undefined && command !== 'llc') throw new UsageError('--ladder is only for llc');
  const ladderSpan = num('ladder-span', v['ladder-span'], 4, (x) => x > 1, 'a number > 1');
  const radius = num('radius', v.radius, 0.1, (x) => x > 0, 'a positive number');
  if (v.csv && command !== 'sweep') throw new UsageError('--csv is only for sweep');
  if (v.csv && v.json) throw new UsageError('--csv and --json cannot be combined');
  const beta = limited('beta', v.beta, wbicBeta(n), LIMITS.beta);
  for (const nj of command === 'sweep' ? ns : [n]) {
    const nbeta = nj * (v.beta === undefined ? wbicBeta(nj) : beta);
    if (!within(LIMITS.nbeta, nbeta))
      throw new UsageError(
        `--${v.beta === undefined ? 'n' : 'beta'}: n·β = ${nbeta} must be ${describe(LIMITS.nbeta)}`,
      );
  }
  const gamma = limited('gamma', v.gamma, DEFAULTS.gamma, LIMITS.gamma);
  const prior = parsePrior(v.prior, landscape.defaultBound);
  const sampler = oneOf<SamplerKind>('sampler', v.sampler, schema.sampler.options, DEFAULTS.sampler);
  const step = v.step === undefined ? undefined : limited('step', v.step, 0, LIMITS.step);
  // A noise step √ε wider than the whole box folds each move into an (almost) uniform redraw: no
  // longer a Langevin sampler at all (and the folded density's image sums would be truncated).
  const boxDiagonal = 2 * prior.scale * Math.sqrt(landscape.dim);
  if (step !== undefined && prior.kind === 'box' && Math.sqrt(step) > boxDiagonal) {
    throw new UsageError(
      `--step: √ε = ${Math.sqrt(step).toPrecision(3)} exceeds the prior box's diagonal 2R·√d = ${boxDiagonal.toPrecision(3)}; use --step ≤ ${(boxDiagonal ** 2).toPrecision(3)}`,
    );
  }
  const precondition = oneOf<PreconditionKind>('precondition', v.precondition, PRECONDITIONS, 'diag');
  if (precondition === 'full' && landscape.dim > MAX_FULL_METRIC_DIM) {
    throw new UsageError(
      `--precondition full: a dense metric needs dimension d ≤ ${MAX_FULL_METRIC_DIM}, this landscape has d = ${landscape.dim}; use --precondition diag`,
    );
  }
  // Any positive count: the device's buffer limits cap it (rangeAsUsage), not the app's MAX_WALKERS.
  const walkers = num('walkers', v.walkers, DEFAULTS.walkers, intIn(1), 'a positive integer');
  // Two steps at least: the batch-means SE needs two batches (one step gives a NaN, never a result).
  const steps = num('steps', v.steps, 2000, intIn(2), 'an integer ≥ 2');
  const burnin = num('burnin', v.burnin, BURN_IN_POLICY.defaultBurnin, intIn(0), 'an integer ≥ 0');
  if (steps + burnin > MAX_RUN_STEPS) {
    throw new UsageError(
      `--steps: --steps + --burnin must be at most 2^32 = ${MAX_RUN_STEPS} (the RNG's step counter is 32 bits), got ${steps + burnin}`,
    );
  }
  const grouped = command === 'sweep' || ladder > 0 || hotLadder > 0;
  const exchange = oneOf('exchange', v.exchange, ['on', 'off'], grouped ? 'on' : 'off');
  if (v.exchange === 'on' && !grouped)
    throw new UsageError(
      '--exchange needs walker groups: use it with sweep, llc --ladder K or --hot-ladder K',
    );
  const exchangeEvery = num(
    'exchange-every',
    v['exchange-every'],
    DEFAULT_EXCHANGE_EVERY,
    intIn(1),
    'a positive integer',
  );
  if (v['exchange-every'] !== undefined && exchange === 'off')
    throw new UsageError('--exchange-every needs --exchange on (sweep or llc --ladder)');
  const isLlc = (command === 'llc' || command === 'sample') && ladder === 0 && hotLadder === 0;
  for (const flag of ['checkpoint', 'checkpoint-every', 'resume'] as const) {
    if (v[flag] !== undefined && !isLlc)
      throw new UsageError(`--${flag} is only for llc and sample (without --ladder or --hot-ladder)`);
  }
  const checkpointEvery = num(
    'checkpoint-every',
    v['checkpoint-every'],
    60,
    (x) => x > 0,
    'a positive number of seconds',
  );
  if (v['checkpoint-every'] !== undefined && v.checkpoint === undefined)
    throw new UsageError('--checkpoint-every needs --checkpoint FILE');
  // Seeds up to 2^53 (the app's URL keeps 32 bits).
  const seed = seedFlag(v.seed, DEFAULTS.seed);
  const init = oneOf<InitKind>('init', v.init, schema.init.options, DEFAULTS.init);
  let wstar = defaultWstar(landscape);
  if (v.wstar !== undefined) {
    const parts = v.wstar.split(',').map(decimal);
    if (parts.length !== landscape.dim || parts.some((x) => !Number.isFinite(x))) {
      throw new UsageError(`--wstar: expected ${landscape.dim} comma-separated numbers, got '${v.wstar}'`);
    }
    const far = parts.find((x) => !within(LIMITS.coordinate, x));
    if (far !== undefined)
      throw new UsageError(`--wstar: each coordinate must be ${describe(LIMITS.coordinate)}, got ${far}`);
    wstar = parts;
  }
  if (command === 'sample' && v.out === undefined)
    throw new UsageError('--out FILE.csv is required for sample');
  if (command !== 'sample' && v.out !== undefined)
    throw new UsageError('--out is only for the sample command');
  if (command !== 'sample' && v.force) throw new UsageError('--force is only for the sample command');
  return {
    kind: 'run',
    args: {
      command: command as Command,
      landscape,
      params,
      formula: v.formula,
      model: v.model,
      n,
      beta,
      gamma,
      prior,
      sampler,
      step,
      walkers,
      steps,
      burnin,
      seed,
      init,
      wstar,
      json: v.json ?? false,
      out: v.out,
      force: v.force ?? false,
      quiet: v.quiet ?? false,
      ns,
      ladder,
      ladderSpan,
      radius,
      csv: v.csv ?? false,
      betaGiven: v.beta !== undefined,
      exchangeEvery: exchange === 'on' ? exchangeEvery : 0,
      checkpoint: v.checkpoint,
      checkpointEvery,
      resume: v.resume,
      hotLadder,
      precondition,
      backend: parseBackend(v.backend),
    },
  };
}
