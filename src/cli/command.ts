/**
 * What the GPU commands share once their flags are parsed: printing their help, the device to run on,
 * the rounding of reported numbers and the divergence warning.
 */
import { acquireNodeDevice } from '../gpu/node-device';
import type { CliIo } from './main';

/** The device tests inject, or one acquired through Dawn, with the description the reports print. */
export async function cliDevice(io: CliIo): Promise<{ device: GPUDevice; description: string }> {
  if (io.device) return { device: io.device, description: 'provided device' };
  const gpu = await acquireNodeDevice();
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
