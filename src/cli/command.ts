/**
 * What the GPU subcommands (randnet, generalisation) share once their flags are parsed: printing their
 * help, and the device to run on.
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
