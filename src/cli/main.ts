/**
 * The `occam-lens` command: the same engine and WGSL as the app, driven from Node through Dawn.
 * `runCli` is the whole program with injectable streams, so tests run it in-process.
 */
import { writeFile } from 'node:fs/promises';
import { diagnosticFields } from '../engine/diagnostics';
import { initialStep, type LlcResult, runLlc } from '../engine/llc-run';
import { MONOMIALS, polyFunctionSpace } from '../engine/poly-functions';
import { WalkerEngine } from '../engine/walker-engine';
import { NoWebGPUError } from '../gpu/device';
import { HELP, parseCli, posteriorOf, type RunArgs } from './args';
import { captureMain } from './capture';
import { cliDevice, round, warnDiverged, warnUnconverged } from './command';
import { asUsage, rangeAsUsage, UsageError } from './flags';
import { generalisationMain } from './generalisation';
import { runLadder, runSweep } from './groups';
import { Progress, type ProgressStream } from './progress';
import { randnetMain } from './randnet';

declare const __OCCAM_VERSION__: string | undefined;
const VERSION = typeof __OCCAM_VERSION__ === 'string' ? __OCCAM_VERSION__ : 'dev';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: ProgressStream;
  /** An existing device (tests); otherwise one is acquired through Dawn. */
  readonly device?: GPUDevice;
}

const defaultIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: process.stderr };

/** The landscape's id, with the formula or model text it came from. */
function landscapeSource(args: RunArgs) {
  return {
    landscape: args.landscape.id,
    ...(args.formula !== undefined ? { formula: args.formula } : {}),
    ...(args.model !== undefined ? { model: args.model } : {}),
  };
}

function report(args: RunArgs, r: LlcResult, device: string) {
  const exact = args.landscape.exact(args.params);
  return {
    ...landscapeSource(args),
    dim: args.landscape.dim,
    params: Object.fromEntries(args.landscape.params.map((p, i) => [p.name, args.params[i]])),
    n: args.n,
    beta: round(args.beta),
    gamma: args.gamma,
    prior: `${args.prior.kind}:${args.prior.scale}`,
    sampler: args.sampler,
    walkers: args.walkers,
    steps: args.steps,
    burnin: args.burnin,
    seed: args.seed,
    init: args.init,
    step: round(r.eps),
    lambda_hat: round(r.lambdaHat),
    lambda_hat_se: round(r.lambdaHatSe, 3),
    lambda_hat_se_batch: round(r.lambdaHatSeBatch, 3),
    mean_loss: round(r.meanLoss),
    loss_at_wstar: round(r.lossAtWstar),
    acceptance: round(r.acceptance, 4),
    diverged: r.diverged,
    ...diagnosticFields(r.diagnostics),
    exact_lambda: exact?.lambda ?? null,
    exact_m: exact?.m ?? null,
    seconds: round(r.seconds, 3),
    device,
  };
}

function humanReport(o: ReturnType<typeof report> & { function_shares?: Record<string, number> }): string {
  const exact = o.exact_lambda === null ? 'unknown' : `λ = ${o.exact_lambda}, m = ${o.exact_m}`;
  return [
    `landscape     ${o.landscape} ${JSON.stringify(o.params)}   n = ${o.n}, β = ${o.beta}, prior ${o.prior}`,
    `sampler       ${o.sampler}, ε = ${o.step}, ${o.walkers} walkers × ${o.steps} steps (burn-in ${o.burnin}), seed ${o.seed}`,
    `λ̂             ${o.lambda_hat} ± ${o.lambda_hat_se} (batch means ± ${o.lambda_hat_se_batch})`,
    `theory        ${exact}  (at finite n with m > 1, nβ·E[K] ≈ λ − (m−1)/log(nβ))`,
    `mean L_n      ${o.mean_loss}   acceptance ${o.acceptance}   diverged ${o.diverged}`,
    `mixing        ${o.converged ? 'converged' : 'NOT CONVERGED'}: R̂ = ${o.rhat ?? '–'}, ESS = ${o.ess ?? '–'}, starts differ by ${o.starts_z} SE, ${o.stuck} stuck`,
    `time          ${o.seconds} s on ${o.device}`,
    ...(o.function_shares
      ? [
          `nearest to    ${Object.entries(o.function_shares)
            .map(([f, p]) => `${f}: ${(100 * p).toFixed(1)}%`)
            .join('  ')}`,
        ]
      : []),
  ].join('\n');
}

async function execute(args: RunArgs, io: CliIo): Promise<number> {
  const { device, description } = await cliDevice(io);
  if (args.command === 'sweep') return runSweep(device, args, io);
  if (args.ladder > 0) {
    return runLadder(device, args, io, (fields) => {
      const exact = args.landscape.exact(args.params);
      const out = {
        ...landscapeSource(args),
        n: args.n,
        beta: round(args.beta),
        sampler: args.sampler,
        walkers: args.walkers,
        groups: args.ladder + 1,
        steps: args.steps,
        burnin: args.burnin,
        seed: args.seed,
        ...fields,
        exact_lambda: exact?.lambda ?? null,
        exact_m: exact?.m ?? null,
        device: description,
      };
      if (args.json) io.stdout(`${JSON.stringify(out)}\n`);
      else {
        const f = fields as Record<string, number>;
        io.stdout(
          `${[
            `landscape     ${args.landscape.title}   n = ${args.n}, β0 = ${round(args.beta)}, ${args.ladder + 1} groups × ${args.walkers} walkers`,
            `λ̂ at β0       ${f.lambda_hat} ± ${f.lambda_hat_se}${f.converged ? '' : `   NOT CONVERGED (R̂ = ${f.rhat ?? '–'})`}`,
            `ladder fit    λ = ${f.lambda_fit} ± ${f.lambda_fit_se}, m = ${f.m_fit} ± ${f.m_fit_se}, c = ${f.c_fit} ± ${f.c_fit_se} (χ²/dof ${f.fit_chi2_per_dof})`,
            `theory        ${exact ? `λ = ${exact.lambda}, m = ${exact.m}` : 'unknown'}`,
            `time          ${f.seconds} s on ${description}`,
          ].join('\n')}\n`,
        );
      }
    });
  }
  const posterior = posteriorOf(args);
  const engine = await asUsage(
    () =>
      WalkerEngine.create(device, {
        ...posterior,
        walkers: args.walkers,
        sampler: args.sampler,
        eps: args.step ?? initialStep(posterior),
        seed: args.seed,
      }),
    rangeAsUsage(),
  );
  try {
    const progress = new Progress(`occam-lens ${args.command}`, io.stderr, !args.quiet);
    const result = await runLlc(engine, {
      ...engine.settings,
      steps: args.steps,
      burnin: args.burnin,
      init: args.init,
      tuneStep: args.step === undefined,
      onProgress: (done, total) => progress.update(done * args.walkers, total * args.walkers, 'walker-steps'),
    });
    progress.done();
    const base = report(args, result, description);
    // The polynomial model: which monomial each walker's function is nearest to (issue 6, item 5).
    const out =
      args.landscape.id === 'poly'
        ? {
            ...base,
            function_shares: Object.fromEntries(
              (await polyFunctionSpace(engine)).shares.map((p, k) => [MONOMIALS[k], round(p, 4)]),
            ),
          }
        : base;
    if (args.command === 'sample') {
      const xs = await engine.readPositions();
      const losses = await engine.readLosses();
      const d = engine.dim;
      const header = [...Array.from({ length: d }, (_, j) => `w${j + 1}`), 'loss'].join(',');
      const rows = [header];
      for (let i = 0; i < engine.walkers; i++) {
        rows.push([...Array.from(xs.subarray(i * d, (i + 1) * d)), losses[i]].join(','));
      }
      await writeFile(args.out!, `${rows.join('\n')}\n`);
    }
    if (args.json)
      io.stdout(`${JSON.stringify(args.command === 'sample' ? { ...out, out: args.out } : out)}\n`);
    else
      io.stdout(
        `${humanReport(out)}${args.command === 'sample' ? `\nwrote ${engine.walkers} walkers to ${args.out}` : ''}\n`,
      );
    warnDiverged(
      io.stderr,
      result.diverged,
      `the step size ε = ${round(result.eps)} is too large for this posterior: lower --step`,
    );
    warnUnconverged(io.stderr, [{ diagnostics: result.diagnostics }]);
    return 0;
  } finally {
    engine.destroy();
  }
}

/** The program: returns the exit status (0 ok, 1 runtime failure, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const parsed = parseCli(argv);
    if (parsed.kind === 'help') {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    if (parsed.kind === 'version') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    if (parsed.kind === 'randnet') return await randnetMain(parsed.argv, io);
    if (parsed.kind === 'generalisation') return await generalisationMain(parsed.argv, io);
    if (parsed.kind === 'capture') return await captureMain(parsed.command, parsed.argv, io);
    return await execute(parsed.args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`occam-lens: ${err.message}\nRun 'occam-lens --help' for usage.\n`);
      return 2;
    }
    if (err instanceof NoWebGPUError) {
      io.stderr.write(`occam-lens: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`occam-lens: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
