/**
 * What the GPU commands share once their flags are parsed: printing their help, the device to run on,
 * the rounding of reported numbers and the divergence warning.
 */

import {
  BURN_IN_POLICY,
  ulaAcceptanceForBias,
  ulaAcceptanceThreshold,
  ulaTunedStep,
} from '../core/measures/burnin';
import { convergenceFailure, type Diagnostics } from '../core/measures/diagnostics';
import type { SamplerKind } from '../core/posterior';
import { acquireNodeDevice } from '../gpu/node-device';
import type { CliIo } from './io';

/** The device tests inject, or one acquired through Dawn, with the description the reports print. */
export async function cliDevice(io: CliIo): Promise<{ device: GPUDevice; description: string }> {
  if (io.device) return { device: io.device, description: 'provided device' };
  const gpu = await acquireNodeDevice();
  // Which backend ran matters (hardware, Debian's or npm's SwiftShader): said once, on stderr (issue 17).
  io.stderr.write(`occam-lens: device ${gpu.adapterDescription}\n`);
  return { device: gpu.device, description: gpu.adapterDescription };
}

/** Prints `help` (exit 0) or runs the parsed arguments. */
export function helpOrRun<A>(
  parsed: { kind: 'help' } | { kind: 'run'; args: A },
  help: string,
  io: CliIo,
  execute: (args: A, io: CliIo) => Promise<number>,
): Promise<number> {
  if (parsed.kind === 'run') return execute(parsed.args, io);
  io.stdout(`${help}\n`);
  return Promise.resolve(0);
}

/** A reported number to `digits` significant digits (non-finite values pass unchanged). */
export const round = (x: number, digits = 6): number =>
  Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;

/** The warning on stderr when walkers diverged (each was re-drawn from the prior); `advice` ends it. */
export function warnDiverged(stderr: CliIo['stderr'], diverged: number, advice = 'lower --step'): void {
  if (diverged > 0)
    stderr.write(
      `warning: ${diverged} walker divergences (non-finite loss or position), each re-drawn from the prior; ${advice}.\n`,
    );
}

/**
 * The acceptance fields of a result: MALA's `acceptance`; for ULA (which takes every move) the MH
 * acceptance MALA would have given its moves, `mh_acceptance`, and `biased` when it falls below the
 * Gaussian-calibrated threshold (ulaAcceptanceThreshold, src/core/measures/burnin.ts), with a warning on
 * stderr naming the step and a smaller one aimed at the tuning target.
 */
export function acceptanceFields(
  stderr: CliIo['stderr'],
  sampler: SamplerKind,
  acceptance: number,
  eps: number,
  dim: number,
  label = '',
): { acceptance?: number; mh_acceptance?: number; biased?: boolean } {
  if (sampler === 'mala') return { acceptance: round(acceptance, 4) };
  const threshold = ulaAcceptanceThreshold(dim);
  const biased = !(acceptance >= threshold);
  if (biased) {
    const suggested = ulaTunedStep(eps, acceptance, ulaAcceptanceForBias(BURN_IN_POLICY.ulaTuneBias, dim));
    stderr.write(
      `warning: ULA${label} is biased: its moves' MH acceptance ${round(acceptance, 4)} is below ${round(threshold, 4)} (a ${100 * BURN_IN_POLICY.ulaFlagBias}% bias of λ̂ on a Gaussian) at step ε = ${round(eps)}; try --step ${round(suggested, 3)} or omit --step to tune it.\n`,
    );
  }
  return { mh_acceptance: round(acceptance, 4), biased };
}

/**
 * The warning on stderr when a result did not converge: one line naming the failed test and its
 * number; `where` names the rows (e.g. 'n = 30') of a many-row result.
 */
export function warnUnconverged(
  stderr: CliIo['stderr'],
  results: readonly { readonly diagnostics: Diagnostics; readonly where?: string }[],
): void {
  const failed = results.flatMap((r) => {
    const why = convergenceFailure(r.diagnostics);
    return why === null ? [] : [r.where ? `${r.where}: ${why}` : why];
  });
  if (failed.length > 0)
    stderr.write(
      `warning: not converged (${failed.join('; ')}); these numbers are not results: run longer (--steps, --burnin).\n`,
    );
}
