/**
 * The CLI's group runs: `sweep` (one walker group per n, β = 1/log n each) and `llc --ladder K`
 * (one group per temperature around β0, then the fit of λ and m). One population, one dispatch per
 * chunk of steps, per-group statistics.
 */

import { exactExpectations2D } from '../../core/landscapes/quadrature';
import { negativeLambdaWarning, wstarWarnings } from '../../core/landscapes/wstar-check';
import { diagnosticFields, type LabelDiagnostics, worstOf } from '../../core/measures/diagnostics';
import { fitLadder, ladderInitialSteps, runGroups, temperatureLadder } from '../../core/measures/ladder';
import type { LlcResult } from '../../core/measures/llc-run';
import { PolyShareTracker } from '../../core/measures/poly-functions';
import { assertResult, ResultError } from '../../core/measures/result-check';
import { wbicBeta } from '../../core/posterior';
import { type ExchangePair, WalkerEngine } from '../../core/walkers/walker-engine';
import { posteriorOf } from '../../scene/posterior';
import type { RunArgs } from '../args';
import { acceptanceFields, round, warnDiverged, warnUnconverged } from '../command';
import { asUsage, rangeAsUsage } from '../flags';
import type { CliIo } from '../io';
import { Progress } from '../progress';

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
        precondition: args.precondition,
        exchangeEvery: groupNbeta.length > 1 ? args.exchangeEvery : 0,
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
  // Every group must be a result (issue 16): one non-finite or stuck group fails the command.
  for (const g of result.groups) {
    assertResult(
      {
        values: {
          lambda_hat: g.lambdaHat,
          lambda_hat_se: g.lambdaHatSe,
          mean_loss: g.meanLoss,
          mass_near: g.massNear,
          loss_at_wstar: result.lossAtWstar,
        },
        sampler: args.sampler,
        acceptance: g.acceptance,
        diverged: g.diverged,
        walkerSteps: g.walkers * args.steps,
        eps: g.eps,
        stepGiven: args.step !== undefined,
        label: `group n·β = ${round(g.nbeta)}`,
      },
      posteriorOf(args),
    );
  }
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
    const { groups, seconds, exchange } = await run(engine, args, io);
    // λ̂ is a learning coefficient only at a local minimum (checked at the largest n: the strictest).
    const jmax = args.ns.indexOf(Math.max(...args.ns));
    for (const w of wstarWarnings({ ...engine.settings, n: args.ns[jmax], beta: betas[jmax] }))
      io.stderr.write(`warning: ${w}.\n`);
    groups.forEach((g, j) => {
      const w = negativeLambdaWarning(g.lambdaHat, g.lambdaHatSe);
      if (w) io.stderr.write(`warning: n = ${args.ns[j]}: ${w}.\n`);
    });
    const exact = args.landscape.dim === 2;
    // Each row's swap acceptance with the group at the next larger n·β (null for the largest).
    const swapUp = (nbeta: number) => exchange.find((p) => p.nbetaLo === nbeta && p.nbetaHi !== nbeta);
    const rows = groups.map((g, j) => {
      const e = exact
        ? exactExpectations2D(
            { ...engine.settings, n: args.ns[j], beta: betas[j] },
            { center: args.wstar, radius: args.radius },
          )
        : undefined;
      // A reference the oracle cannot certify is printed as none, with the reason on stderr.
      if (e?.failure) io.stderr.write(`occam-lens sweep: n = ${args.ns[j]}: no exact value (${e.failure})\n`);
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
        ...acceptanceFields(
          io.stderr,
          args.sampler,
          g.acceptance,
          g.eps,
          args.landscape.dim,
          ` at n = ${args.ns[j]}`,
        ),
        diverged: g.diverged,
        ...diagnosticFields(g.diagnostics),
        step: round(g.eps),
        walkers: g.walkers,
        precondition: args.precondition,
        exchange: engine.exchanging ? 'on' : 'off',
        swap_acceptance: engine.exchanging ? round(swapUp(g.nbeta)?.rate ?? Number.NaN, 4) : null,
        exact_lambda_hat: e?.nbetaLoss != null ? round(e.nbetaLoss) : null,
        exact_lambda_hat_err: e?.nbetaLoss != null ? round(e.nbetaLossErr, 2) : null,
        exact_mass_near: e?.massNear != null ? round(e.massNear) : null,
        exact_mass_near_err: e?.massNear != null ? round(e.massNearErr, 2) : null,
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
          `${r.acceptance ?? r.mh_acceptance}${r.biased ? ' BIASED' : ''}`.padEnd(8),
          `${r.rhat ?? '–'}${r.converged ? '' : ' NOT CONVERGED'}`,
        ].join(' '),
      );
      io.stdout(
        `${args.landscape.title}: ${args.walkers} walkers per n, ${args.steps} steps, radius ${args.radius}, ${round(seconds, 3)} s\n${header}\n${lines.join('\n')}\n${exact ? 'exact: adaptive quadrature, certified to ±1e-4 (– where it could not certify; reasons on stderr)\n' : ''}`,
      );
    }
    return 0;
  } finally {
    engine.destroy();
  }
}

/**
 * llc --hot-ladder K: the target group at n·β plus K hotter groups below it (log-spaced down to
 * max(1, nβ/1000)) that only serve replica exchange; the target group's estimate, as llc reports it.
 */
export async function runHotLadder(
  device: GPUDevice,
  args: RunArgs,
  io: CliIo,
): Promise<{ result: LlcResult; exchange: ExchangePair[]; shares?: LabelDiagnostics }> {
  const nbeta0 = args.n * args.beta;
  // Hottest: max(1, nβ/1000), and always below the target (nβ/2 when nβ ≤ 2).
  const lo = Math.log(Math.max(nbeta0 / 1000, Math.min(1, nbeta0 / 2)));
  const hi = Math.log(nbeta0);
  const k = args.hotLadder;
  const nbetas = Array.from({ length: k + 1 }, (_, j) => Math.exp(hi - ((hi - lo) * j) / k));
  nbetas[0] = nbeta0;
  const engine = await makeEngine(device, args, nbetas);
  try {
    const progress = new Progress(`occam-lens ${args.command}`, io.stderr, !args.quiet);
    // The polynomial model's function shares, of the target group, with their own R̂.
    const tracker = args.landscape.id === 'poly' ? new PolyShareTracker(engine) : null;
    const r = await runGroups(engine, {
      steps: args.steps,
      burnin: args.burnin,
      init: args.init,
      tuneStep: args.step === undefined,
      radius: args.radius,
      batches: 20,
      afterBatch: tracker ? () => tracker.observe() : undefined,
      onProgress: (done, total) =>
        progress.update(done * engine.walkers, total * engine.walkers, 'walker-steps'),
    });
    progress.done();
    const g = r.groups[0];
    warnDiverged(io.stderr, g.diverged);
    const shares = tracker?.diagnose(0);
    return {
      shares,
      result: {
        lambdaHat: g.lambdaHat,
        lambdaHatSe: g.lambdaHatSe,
        lambdaHatSeBatch: g.lambdaHatSeBatch,
        meanLoss: g.meanLoss,
        lossAtWstar: r.lossAtWstar,
        nbeta: g.nbeta,
        eps: g.eps,
        acceptance: g.acceptance,
        diverged: g.diverged,
        massNear: g.massNear,
        lossTrace: [],
        seconds: r.seconds,
        diagnostics: shares ? { ...g.diagnostics, labels: shares } : g.diagnostics,
      },
      exchange: r.exchange,
    };
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
    const { groups, lossAtWstar, seconds, exchange } = await run(engine, args, io);
    const fit = fitLadder(groups.map((g) => ({ nbeta: g.nbeta, value: g.lambdaHat, se: g.lambdaHatSe })));
    const center = groups.find((g) => Math.abs(g.nbeta / nbeta0 - 1) < 1e-9)!;
    const fitValues = { lambda_fit: fit.lambda, m_fit: fit.m, c_fit: fit.c, lambda_fit_se: fit.lambdaSe };
    const badFit = Object.entries(fitValues).find(([, x]) => !Number.isFinite(x));
    if (badFit)
      throw new ResultError(`no result: the ladder fit's ${badFit[0]} = ${badFit[1]} is not finite`);
    for (const w of [
      ...wstarWarnings(engine.settings),
      ...[negativeLambdaWarning(center.lambdaHat, center.lambdaHatSe)].filter((x) => x !== null),
    ])
      io.stderr.write(`warning: ${w}.\n`);
    warnUnconverged(
      io.stderr,
      groups.map((g) => ({ diagnostics: g.diagnostics, where: `nβ = ${round(g.nbeta, 4)}` })),
    );
    report({
      lambda_hat: round(center.lambdaHat),
      lambda_hat_se: round(center.lambdaHatSe, 3),
      mean_loss: round(center.meanLoss),
      loss_at_wstar: round(lossAtWstar),
      ...acceptanceFields(io.stderr, args.sampler, center.acceptance, center.eps, args.landscape.dim),
      diverged: groups.reduce((s, g) => s + g.diverged, 0),
      // The fit uses every rung: the verdict is the worst rung's (each rung carries its own).
      ...diagnosticFields(worstOf(groups.map((g) => g.diagnostics))),
      step: round(center.eps),
      lambda_fit: round(fit.lambda),
      lambda_fit_se: round(fit.lambdaSe, 3),
      m_fit: round(fit.m),
      m_fit_se: round(fit.mSe, 3),
      fit_model: fit.model,
      fit_formula: `nβ·E[L − L(w*)] = ${fit.formula}`,
      c_fit: round(fit.c),
      c_fit_se: fit.cSe === null ? null : round(fit.cSe, 3),
      delta_fit: round(fit.delta),
      delta_fit_se: fit.deltaSe === null ? null : round(fit.deltaSe, 3),
      fit_chi2_per_dof: round(fit.chi2PerDof, 3),
      fit_alternative: {
        model: fit.alternative.model,
        lambda: round(fit.alternative.lambda),
        m: round(fit.alternative.m),
        chi2_per_dof: round(fit.alternative.chi2PerDof, 3),
      },
      ladder: groups.map((g, j) => ({
        nbeta: round(g.nbeta),
        lambda_hat: round(g.lambdaHat),
        se: round(g.lambdaHatSe, 3),
        fit_residual: round(fit.residuals[j], 3),
        [args.sampler === 'ula' ? 'mh_acceptance' : 'acceptance']: round(g.acceptance, 3),
        ...diagnosticFields(g.diagnostics),
      })),
      exchange: engine.exchanging ? 'on' : 'off',
      swap_acceptance: exchange.map((p) => ({
        nbeta_lo: round(p.nbetaLo),
        nbeta_hi: round(p.nbetaHi),
        rate: round(p.rate, 4),
      })),
      seconds: round(seconds, 3),
    });
    return 0;
  } finally {
    engine.destroy();
  }
}
