/**
 * The CLI's group runs: `sweep` (one walker group per n, β = 1/log n each) and `llc --ladder K`
 * (one group per temperature around β0, then the fit of λ and m). One population, one dispatch per
 * chunk of steps, per-group statistics.
 */
import { diagnosticFields, worstOf } from '../engine/diagnostics';
import { fitLadder, ladderInitialSteps, runGroups, temperatureLadder } from '../engine/ladder';
import { wbicBeta } from '../engine/posterior';
import { exactExpectations2D } from '../engine/quadrature';
import { WalkerEngine } from '../engine/walker-engine';
import { posteriorOf, type RunArgs } from './args';
import { round, warnDiverged, warnUnconverged } from './command';
import { asUsage, rangeAsUsage } from './flags';
import type { CliIo } from './main';
import { Progress } from './progress';

async function makeEngine(device: GPUDevice, args: RunArgs, groupNbeta: number[]): Promise<WalkerEngine> {
  const posterior = posteriorOf(args);
  const steps =
    args.step !== undefined
      ? groupNbeta.map(() => args.step!)
      : ladderInitialSteps({ ...posterior, groupNbeta });
  return asUsage(
    () =>
      WalkerEngine.create(device, {
        ...posterior,
        walkers: args.walkers * groupNbeta.length,
        sampler: args.sampler,
        eps: steps[0],
        groupNbeta,
        groupEps: steps,
        seed: args.seed,
      }),
    rangeAsUsage(' (--walkers is per group)'),
  );
}

async function run(engine: WalkerEngine, args: RunArgs, io: CliIo) {
  const progress = new Progress(`occam-lens ${args.command}`, io.stderr, !args.quiet);
  const result = await runGroups(engine, {
    steps: args.steps,
    burnin: args.burnin,
    init: args.init,
    tuneStep: args.step === undefined,
    radius: args.radius,
    onProgress: (done, total) =>
      progress.update(done * engine.walkers, total * engine.walkers, 'walker-steps'),
  });
  progress.done();
  warnDiverged(
    io.stderr,
    result.groups.reduce((s, g) => s + g.diverged, 0),
  );
  return result;
}

/** occam-lens sweep: one line (JSON, CSV or a table row) per n. */
export async function runSweep(device: GPUDevice, args: RunArgs, io: CliIo): Promise<number> {
  const betas = args.ns.map((n) => (args.betaGiven ? args.beta : wbicBeta(n)));
  const engine = await makeEngine(
    device,
    args,
    args.ns.map((n, j) => n * betas[j]),
  );
  try {
    const { groups, seconds } = await run(engine, args, io);
    const exact = args.landscape.dim === 2;
    const rows = groups.map((g, j) => {
      const e = exact
        ? exactExpectations2D(
            { ...engine.settings, n: args.ns[j], beta: betas[j] },
            { center: args.wstar, radius: args.radius },
          )
        : undefined;
      return {
        landscape: args.landscape.id,
        n: args.ns[j],
        beta: round(betas[j]),
        lambda_hat: round(g.lambdaHat),
        lambda_hat_se: round(g.lambdaHatSe, 3),
        mass_near: round(g.massNear),
        mass_near_se: round(g.massNearSe, 3),
        radius: args.radius,
        wbic: round(args.ns[j] * g.meanLoss),
        acceptance: round(g.acceptance, 4),
        diverged: g.diverged,
        ...diagnosticFields(g.diagnostics),
        step: round(g.eps),
        walkers: g.walkers,
        exact_lambda_hat: e ? round(e.nbetaLoss) : null,
        exact_mass_near: e ? round(e.massNear) : null,
      };
    });
    warnUnconverged(
      io.stderr,
      groups.map((g, j) => ({ diagnostics: g.diagnostics, where: `n = ${args.ns[j]}` })),
    );
    if (args.json) {
      for (const r of rows) io.stdout(`${JSON.stringify(r)}\n`);
    } else if (args.csv) {
      const keys = Object.keys(rows[0]) as (keyof (typeof rows)[0])[];
      io.stdout(`${keys.join(',')}\n${rows.map((r) => keys.map((k) => r[k] ?? '').join(',')).join('\n')}\n`);
    } else {
      const header =
        'n         β        λ̂ ± SE              exact λ̂   mass near w* ± SE     exact     WBIC        accept   R̂';
      const lines = rows.map((r) =>
        [
          String(r.n).padEnd(9),
          String(r.beta).padEnd(8),
          `${r.lambda_hat} ± ${r.lambda_hat_se}`.padEnd(20),
          String(r.exact_lambda_hat ?? '–').padEnd(9),
          `${r.mass_near} ± ${r.mass_near_se}`.padEnd(21),
          String(r.exact_mass_near ?? '–').padEnd(9),
          String(r.wbic).padEnd(11),
          String(r.acceptance).padEnd(8),
          `${r.rhat ?? '–'}${r.converged ? '' : ' NOT CONVERGED'}`,
        ].join(' '),
      );
      io.stdout(
        `${args.landscape.title}: ${args.walkers} walkers per n, ${args.steps} steps, radius ${args.radius}, ${round(seconds, 3)} s\n${header}\n${lines.join('\n')}\n`,
      );
    }
    return 0;
  } finally {
    engine.destroy();
  }
}

/** llc --ladder K: the plain estimate at β0 plus the fit of λ and m over the ladder. */
export async function runLadder(
  device: GPUDevice,
  args: RunArgs,
  io: CliIo,
  report: (r: Record<string, unknown>) => void,
): Promise<number> {
  const nbeta0 = args.n * args.beta;
  const ladder = temperatureLadder(args.n, args.ladder, args.beta, args.ladderSpan);
  const nbetas = [...ladder.filter((x) => Math.abs(x / nbeta0 - 1) > 1e-9), nbeta0].sort((a, b) => a - b);
  const engine = await makeEngine(device, args, nbetas);
  try {
    const { groups, lossAtWstar, seconds } = await run(engine, args, io);
    const fit = fitLadder(groups.map((g) => ({ nbeta: g.nbeta, value: g.lambdaHat, se: g.lambdaHatSe })));
    const center = groups.find((g) => Math.abs(g.nbeta / nbeta0 - 1) < 1e-9)!;
    warnUnconverged(
      io.stderr,
      groups.map((g) => ({ diagnostics: g.diagnostics, where: `nβ = ${round(g.nbeta, 4)}` })),
    );
    report({
      lambda_hat: round(center.lambdaHat),
      lambda_hat_se: round(center.lambdaHatSe, 3),
      mean_loss: round(center.meanLoss),
      loss_at_wstar: round(lossAtWstar),
      acceptance: round(center.acceptance, 4),
      diverged: groups.reduce((s, g) => s + g.diverged, 0),
      // The fit uses every rung: the verdict is the worst rung's (each rung carries its own).
      ...diagnosticFields(worstOf(groups.map((g) => g.diagnostics))),
      step: round(center.eps),
      lambda_fit: round(fit.lambda),
      lambda_fit_se: round(fit.lambdaSe, 3),
      m_fit: round(fit.m),
      m_fit_se: round(fit.mSe, 3),
      c_fit: round(fit.c),
      c_fit_se: round(fit.cSe, 3),
      fit_chi2_per_dof: round(fit.chi2PerDof, 3),
      ladder: groups.map((g) => ({
        nbeta: round(g.nbeta),
        lambda_hat: round(g.lambdaHat),
        se: round(g.lambdaHatSe, 3),
        acceptance: round(g.acceptance, 3),
        ...diagnosticFields(g.diagnostics),
      })),
      seconds: round(seconds, 3),
    });
    return 0;
  } finally {
    engine.destroy();
  }
}
