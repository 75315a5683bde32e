/**
 * The `occam-lens` command: the same engine and WGSL as the app, driven from Node through Dawn.
 * `runCli` is the whole program with injectable streams, so tests run it in-process.
 */
import { access, constants } from 'node:fs/promises';
import { dirname } from 'node:path';
import { negativeLambdaWarning, wstarWarnings } from '../core/landscapes/wstar-check';
import { initialStep } from '../core/measures/burnin';
import { diagnosticFields, type LabelDiagnostics } from '../core/measures/diagnostics';
import { type LlcResult, runLlc } from '../core/measures/llc-run';
import { RunInterrupted } from '../core/measures/measurement-loop';
import { MONOMIALS, PolyShareTracker } from '../core/measures/poly-functions';
import { assertResult } from '../core/measures/result-check';
import { type EngineConfig, isSoftwareDevice, WalkerEngine } from '../core/walkers/walker-engine';
import { gpuOnlyFeature } from '../core/walkers/walker-kernels';
import { CpuWalkerKernels } from '../cpu/cpu-walker-kernels';
import { nodeKernelHost } from '../cpu/node-kernel-host';
import { NoWebGPUError } from '../gpu/device';
import { posteriorOf } from '../scene/posterior';
import { HELP, parseCli, type RunArgs } from './args';
import { type Backend, chooseBackend, cpuDeviceDescription } from './backend-flag';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { acceptanceFields, cliDevice, round, warnDiverged, warnUnconverged } from './command';
import { calibrateMain } from './commands/calibrate';
import { captureMain } from './commands/capture';
import { generalisationMain } from './commands/generalisation';
import { runHotLadder, runLadder, runSweep } from './commands/groups';
import { randnetMain } from './commands/randnet';
import { sgdVsBayesMain } from './commands/sgd-vs-bayes';
import { whichFunctionMain } from './commands/which-function';
import { asUsage, rangeAsUsage, UsageError } from './flags';
import type { CliIo } from './io';
import { checkOut, writeAtomically } from './out-file';
import { Progress } from './progress';

declare const __OCCAM_VERSION__: string | undefined;
const VERSION = typeof __OCCAM_VERSION__ === 'string' ? __OCCAM_VERSION__ : 'dev';

const defaultIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: process.stderr };

/** The landscape's id, with the formula or model text it came from. */
function landscapeSource(args: RunArgs) {
  return {
    landscape: args.landscape.id,
    ...(args.formula !== undefined ? { formula: args.formula } : {}),
    ...(args.model !== undefined ? { model: args.model } : {}),
  };
}

function report(args: RunArgs, r: LlcResult, device: string, io: CliIo, backend: Backend = 'gpu') {
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
    precondition: args.precondition,
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
    ...acceptanceFields(io.stderr, args.sampler, r.acceptance, r.eps, args.landscape.dim),
    diverged: r.diverged,
    ...diagnosticFields(r.diagnostics),
    exact_lambda: exact?.lambda ?? null,
    exact_m: exact?.m ?? null,
    seconds: round(r.seconds, 3),
    backend,
    device,
  };
}

/** The polynomial model's shares, averaged over the walkers and the batch snapshots (SE: walkers' time averages). */
function functionShareFields(l: LabelDiagnostics): {
  function_shares: Record<string, number>;
  function_shares_se: Record<string, number>;
} {
  return {
    function_shares: Object.fromEntries(l.shares.map((p, k) => [MONOMIALS[k], round(p, 4)])),
    function_shares_se: Object.fromEntries(l.se.map((p, k) => [MONOMIALS[k], round(p, 3)])),
  };
}

function humanReport(o: ReturnType<typeof report> & { function_shares?: Record<string, number> }): string {
  const exact = o.exact_lambda === null ? 'unknown' : `λ = ${o.exact_lambda}, m = ${o.exact_m}`;
  return [
    `landscape     ${o.landscape} ${JSON.stringify(o.params)}   n = ${o.n}, β = ${o.beta}, prior ${o.prior}`,
    `sampler       ${o.sampler}, ε = ${o.step}, ${o.walkers} walkers × ${o.steps} steps (burn-in ${o.burnin}), seed ${o.seed}`,
    `λ̂             ${o.lambda_hat} ± ${o.lambda_hat_se} (batch means ± ${o.lambda_hat_se_batch})`,
    `theory        ${exact}  (at finite n with m > 1, nβ·E[K] ≈ λ − (m−1)/log(nβ))`,
    `mean L_n      ${o.mean_loss}   ${'acceptance' in o ? `acceptance ${o.acceptance}` : `MH acceptance ${o.mh_acceptance}${o.biased ? ' (BIASED)' : ''}`}   diverged ${o.diverged}`,
    `mixing        ${o.converged ? 'converged' : 'NOT CONVERGED'}: R̂ = ${o.rhat ?? '–'}, ESS = ${o.ess ?? '–'}, starts differ by ${o.starts_z} SE, ${o.stuck} stuck`,
    `time          ${o.seconds} s on ${o.device}`,
    ...(o.function_shares
      ? [
          `nearest to    ${Object.entries(o.function_shares)
            .map(([f, p]) => `${f}: ${(100 * p).toFixed(1)}%`)
            .join('  ')}   (shares' R̂ = ${o.shares_rhat ?? '–'}, starts differ by ${o.shares_starts_z} SE)`,
        ]
      : []),
  ].join('\n');
}

async function execute(args: RunArgs, io: CliIo): Promise<number> {
  // Before the run, so a bad path never costs the run (issue 16).
  if (args.out !== undefined) await checkOut(args.out, args.force);
  const { device, description } = await cliDevice(io);
  if (args.command === 'sweep' || args.ladder > 0 || args.hotLadder > 0) {
    // Walker groups with replica exchange: the CPU kernels do not swap states.
    chooseBackend(args.backend, false, 'sweeps and ladders (replica exchange) run on the GPU only');
  }
  if (args.command === 'sweep') return runSweep(device, args, io);
  if (args.ladder > 0) {
    return runLadder(device, args, io, (fields) => {
      const exact = args.landscape.exact(args.params);
      const out = {
        ...landscapeSource(args),
        n: args.n,
        beta: round(args.beta),
        sampler: args.sampler,
        precondition: args.precondition,
        walkers: args.walkers,
        groups: (fields.ladder as unknown[]).length,
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
        const f = fields as Record<string, number | string | null>;
        io.stdout(
          `${[
            `landscape     ${args.landscape.title}   n = ${args.n}, β0 = ${round(args.beta)}, ${(fields.ladder as unknown[]).length} groups × ${args.walkers} walkers`,
            `λ̂ at β0       ${f.lambda_hat} ± ${f.lambda_hat_se}${f.converged ? '' : `   NOT CONVERGED (R̂ = ${f.rhat ?? '–'})`}`,
            `ladder fit    λ = ${f.lambda_fit} ± ${f.lambda_fit_se}, m = ${f.m_fit} ± ${f.m_fit_se} (χ²/dof ${f.fit_chi2_per_dof})`,
            `fit model     ${f.fit_formula}${f.fit_model === 'power' ? `, δ = ${f.delta_fit}, C = ${f.c_fit}` : `, c = ${f.c_fit} ± ${f.c_fit_se ?? '—'}`}`,
            `theory        ${exact ? `λ = ${exact.lambda}, m = ${exact.m}` : 'unknown'}`,
            `time          ${f.seconds} s on ${description}`,
          ].join('\n')}\n`,
        );
      }
    });
  }
  if (args.hotLadder > 0) {
    const { result, exchange, shares } = await runHotLadder(device, args, io);
    const out = {
      ...report(args, result, description, io),
      ...(shares ? functionShareFields(shares) : {}),
      hot_ladder: exchange.map((p) => ({
        nbeta_lo: round(p.nbetaLo),
        nbeta_hi: round(p.nbetaHi),
        swap_acceptance: round(p.rate, 4),
      })),
    };
    if (args.json) io.stdout(`${JSON.stringify(out)}\n`);
    else
      io.stdout(
        `${humanReport(out)}\nhot ladder    ${out.hot_ladder.map((p) => `${p.nbeta_lo}↔${p.nbeta_hi}: ${p.swap_acceptance}`).join('  ')}\n`,
      );
    warnUnconverged(io.stderr, [{ diagnostics: result.diagnostics }]);
    return 0;
  }
  const posterior = posteriorOf(args);
  // Checked before the run: a bad checkpoint path or file fails now, not after hours.
  const resume = args.resume !== undefined ? await readCheckpoint(args.resume, args) : undefined;
  if (args.checkpoint !== undefined) {
    await access(dirname(args.checkpoint), constants.W_OK).catch(() => {
      throw new UsageError(`--checkpoint: cannot write to the folder of '${args.checkpoint}'`);
    });
  }
  let interrupted = false;
  let lastCheckpoint = performance.now();
  const onSigint = () => {
    interrupted = true;
  };
  const config: EngineConfig = {
    ...posterior,
    walkers: args.walkers,
    sampler: args.sampler,
    eps: args.step ?? initialStep(posterior),
    seed: args.seed,
    precondition: args.precondition,
  };
  // The CPU backend (WebAssembly SIMD on every core) when the adapter is a software one (issue 17).
  const cpu = new CpuWalkerKernels(nodeKernelHost(), cpuDeviceDescription);
  const backend = chooseBackend(
    args.backend,
    isSoftwareDevice(device),
    args.landscape.id === 'poly'
      ? "the polynomial model's function shares read the walkers on the GPU"
      : (gpuOnlyFeature(config) ?? cpu.unsupported(config)),
  );
  const deviceLine = backend === 'cpu' ? cpu.description : description;
  if (backend === 'cpu') io.stderr.write(`occam-lens: walkers on the ${cpu.description}\n`);
  const engine = await asUsage(
    () => WalkerEngine.create(device, config, backend === 'cpu' ? { kernels: cpu } : {}),
    rangeAsUsage(),
  );
  // The polynomial model: which monomial each walker's function is nearest to (issue 6, item 5),
  // snapshotted after every sampling batch for the shares' own R̂ (the loss cannot see them mix).
  const shareTracker = args.landscape.id === 'poly' ? new PolyShareTracker(engine) : null;
  // With a checkpoint, Ctrl-C stops the run at the next dispatch boundary and writes it.
  if (args.checkpoint !== undefined) process.once('SIGINT', onSigint);
  try {
    const progress = new Progress(`occam-lens ${args.command}`, io.stderr, !args.quiet);
    const run = await runLlc(engine, {
      ...engine.settings,
      afterBatch: shareTracker ? () => shareTracker.observe() : undefined,
      steps: args.steps,
      burnin: args.burnin,
      init: args.init,
      tuneStep: args.step === undefined,
      onProgress: (done, total) => progress.update(done * args.walkers, total * args.walkers, 'walker-steps'),
      resume,
      ...(args.checkpoint !== undefined
        ? {
            checkpoint: async (c) => {
              await writeCheckpoint(args.checkpoint!, args, c);
              lastCheckpoint = performance.now();
            },
            checkpointDue: () => performance.now() - lastCheckpoint > 1000 * args.checkpointEvery,
            shouldStop: () => interrupted,
          }
        : {}),
    }).catch((e: unknown) => {
      if (!(e instanceof RunInterrupted)) throw e;
      progress.done();
      io.stderr.write(
        `occam-lens: interrupted at step ${e.step}; checkpoint written to ${args.checkpoint} (continue with the same flags and --resume ${args.checkpoint})\n`,
      );
      return null;
    });
    if (run === null) return 130;
    const labels = shareTracker?.diagnose();
    const result = labels ? { ...run, diagnostics: { ...run.diagnostics, labels } } : run;
    progress.done();
    // λ̂ is a learning coefficient only at a local minimum: say so on stderr when w* is not one.
    for (const w of [
      ...wstarWarnings(posterior),
      ...[negativeLambdaWarning(result.lambdaHat, result.lambdaHatSe)].filter((x) => x !== null),
    ])
      io.stderr.write(`warning: ${w}.\n`);
    const base = report(args, result, deviceLine, io, backend);
    assertResult(
      {
        values: {
          lambda_hat: result.lambdaHat,
          lambda_hat_se: result.lambdaHatSe,
          lambda_hat_se_batch: result.lambdaHatSeBatch,
          mean_loss: result.meanLoss,
          loss_at_wstar: result.lossAtWstar,
        },
        sampler: args.sampler,
        acceptance: result.acceptance,
        diverged: result.diverged,
        walkerSteps: args.walkers * args.steps,
        eps: result.eps,
        stepGiven: args.step !== undefined,
      },
      posterior,
    );
    // Averaged over the walkers and the batch snapshots; SE from the walkers' time averages.
    const out = labels ? { ...base, ...functionShareFields(labels) } : base;
    if (args.command === 'sample') {
      const xs = await engine.readPositions();
      const losses = await engine.readLosses();
      const d = engine.dim;
      const header = [...Array.from({ length: d }, (_, j) => `w${j + 1}`), 'loss'].join(',');
      const rows = [header];
      for (let i = 0; i < engine.walkers; i++) {
        rows.push([...Array.from(xs.subarray(i * d, (i + 1) * d)), losses[i]].join(','));
      }
      await writeAtomically(args.out!, `${rows.join('\n')}\n`);
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
    process.removeListener('SIGINT', onSigint);
    engine.destroy();
  }
}

/** The program: returns the exit status (0 ok, 1 runtime failure, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    if (argv[0] === 'sgd-vs-bayes') return await sgdVsBayesMain(argv.slice(1), io);
    if (argv[0] === 'which-function') return await whichFunctionMain(argv.slice(1), io);
    if (argv[0] === 'calibrate') return await calibrateMain(argv.slice(1), io);
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
