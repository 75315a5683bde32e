/**
 * Checkpoint files of `llc --checkpoint FILE` / `--resume FILE`: the walkers' whole state (GPU buffers
 * as base64, counters, tuned step) and the estimator's running sums, with the settings of the run
 * that wrote it. A resumed run must have the same settings (checked field by field, the differing
 * flag named) and then repeats the uninterrupted run bit for bit on the same device.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { LlcCheckpoint } from '../core/measures/llc-run';
import type { RunArgs } from './args';
import { UsageError } from './flags';

const KIND = 'occam-lens-checkpoint';
const VERSION = 1;

/** The settings a checkpoint is only valid for, keyed by the flag that sets each. */
export function checkpointSettings(args: RunArgs): Record<string, unknown> {
  return {
    landscape: args.landscape.id,
    formula: args.formula ?? null,
    model: args.model ?? null,
    params: args.params,
    n: args.n,
    beta: args.beta,
    gamma: args.gamma,
    prior: `${args.prior.kind}:${args.prior.scale}`,
    sampler: args.sampler,
    step: args.step ?? null,
    precondition: args.precondition,
    walkers: args.walkers,
    steps: args.steps,
    burnin: args.burnin,
    seed: args.seed,
    init: args.init,
    wstar: args.wstar,
    radius: args.radius,
  };
}

const toBase64 = (b: ArrayBuffer) => Buffer.from(b).toString('base64');
function fromBase64(text: string): ArrayBuffer {
  const buf = Buffer.from(text, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** Writes atomically (a temporary file renamed over FILE): an interrupted write never leaves half a file. */
export async function writeCheckpoint(file: string, args: RunArgs, c: LlcCheckpoint): Promise<void> {
  const body = {
    kind: KIND,
    version: VERSION,
    settings: checkpointSettings(args),
    state: {
      ...c,
      engine: {
        ...c.engine,
        buffers: Object.fromEntries(Object.entries(c.engine.buffers).map(([k, v]) => [k, toBase64(v)])),
      },
    },
  };
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(body));
  await rename(tmp, file);
}

/** Reads a checkpoint and checks it was written by a run with these settings (UsageError naming --resume). */
export async function readCheckpoint(file: string, args: RunArgs): Promise<LlcCheckpoint> {
  let body: {
    kind?: unknown;
    version?: unknown;
    settings?: Record<string, unknown>;
    state?: LlcCheckpoint & { engine: { buffers: Record<string, string> } };
  };
  try {
    body = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--resume: cannot read checkpoint '${file}': ${(e as Error).message}`);
  }
  if (body?.kind !== KIND || body.version !== VERSION || !body.settings || !body.state?.engine?.buffers) {
    throw new UsageError(`--resume: '${file}' is not an occam-lens checkpoint (version ${VERSION})`);
  }
  const mine = checkpointSettings(args);
  for (const [key, value] of Object.entries(mine)) {
    const theirs = body.settings[key];
    if (JSON.stringify(theirs) !== JSON.stringify(value)) {
      throw new UsageError(
        `--resume: '${file}' was written with ${key} = ${JSON.stringify(theirs)}, this run has ${JSON.stringify(value)}: resume with the same settings`,
      );
    }
  }
  const s = body.state;
  const buffers: Record<string, ArrayBuffer> = {};
  for (const [k, v] of Object.entries(s.engine.buffers)) {
    if (typeof v !== 'string') throw new UsageError(`--resume: '${file}' is corrupt (buffer ${k})`);
    buffers[k] = fromBase64(v);
  }
  return { ...s, engine: { ...s.engine, buffers } };
}
