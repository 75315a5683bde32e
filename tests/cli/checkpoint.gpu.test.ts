/**
 * Long runs: checkpoint and resume. A run stopped part-way (mid-batch, at a dispatch boundary) and
 * resumed from its checkpoint gives the uninterrupted run's result bit for bit; `llc --checkpoint` /
 * `--resume` do the same from a file and refuse a checkpoint written with other settings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findLandscape } from '../../src/core/landscapes/landscapes';
import { type LlcCheckpoint, type LlcOptions, runLlc } from '../../src/core/measures/llc-run';
import { RunInterrupted } from '../../src/core/measures/measurement-loop';
import { WalkerEngine } from '../../src/core/walkers/walker-engine';
import { cli, expectUsageError } from '../helpers/cli';
import { device, noGpu } from '../helpers/gpu';

const engines: WalkerEngine[] = [];

async function make(): Promise<{ engine: WalkerEngine; opts: LlcOptions }> {
  const config = {
    landscape: findLandscape('crossing')!,
    params: [1, 1],
    n: 1000,
    beta: 1 / Math.log(1000),
    gamma: 0,
    prior: { kind: 'box' as const, scale: 1 },
    wstar: [0, 0],
    sampler: 'mala' as const,
    eps: 0.003,
    walkers: 128,
    seed: 11,
    stepsPerDispatch: 2,
  };
  const engine = await WalkerEngine.create(device!, config);
  engines.push(engine);
  return { engine, opts: { ...config, steps: 600, burnin: 200, init: 'prior', tuneStep: true, batches: 6 } };
}

describe.skipIf(noGpu)('checkpoint and resume', () => {
  afterEach(() => {
    for (const e of engines.splice(0)) e.destroy();
  });

  it('resumes a run stopped mid-batch to the uninterrupted result, bit for bit', async () => {
    const a = await make();
    const whole = await runLlc(a.engine, a.opts);
    const wholePositions = Array.from(await a.engine.readPositions());

    // Stop after the 10th progress report of the sampling phase (a deterministic point, not a time:
    // reports come at fences, a fixed number of dispatches apart).
    const b = await make();
    let reports = 0;
    let saved: LlcCheckpoint | undefined;
    await expect(
      runLlc(b.engine, {
        ...b.opts,
        onProgress: (done) => {
          if (done > b.opts.burnin) reports++;
        },
        shouldStop: () => reports >= 10,
        checkpoint: async (c) => {
          saved = c;
        },
      }),
    ).rejects.toBeInstanceOf(RunInterrupted);
    expect(saved).toBeDefined();
    expect(saved!.batchDone).toBeGreaterThan(0); // stopped inside a batch, not at its end
    expect(saved!.done).toBeLessThan(b.opts.burnin + b.opts.steps);

    // A fresh engine, as after a restart: resume and finish.
    const c = await make();
    const resumed = await runLlc(c.engine, { ...c.opts, resume: saved });
    expect(Array.from(await c.engine.readPositions())).toEqual(wholePositions);
    const { seconds: _s1, ...x } = whole;
    const { seconds: _s2, ...y } = resumed;
    expect(y).toEqual(x);
  });

  it('llc --checkpoint writes a file that --resume continues to the same numbers, and refuses other settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'occam-ckpt-'));
    const file = join(dir, 'run.ckpt');
    const flags = ['llc', '--landscape', 'crossing', '--walkers', '64', '--steps', '400', '--burnin', '100'];
    const plain = await cli(...flags, '--seed', '5', '--json', '--quiet');
    expect(plain.code).toBe(0);
    // A checkpoint after every batch and (interval 1 ms) at nearly every fence inside one.
    const ck = await cli(
      ...flags,
      '--seed',
      '5',
      '--json',
      '--quiet',
      '--checkpoint',
      file,
      '--checkpoint-every',
      '0.001',
    );
    expect(ck.code).toBe(0);
    const resumed = await cli(...flags, '--seed', '5', '--json', '--quiet', '--resume', file);
    expect(resumed.code).toBe(0);
    const strip = (s: string) => {
      const { seconds: _t, ...rest } = JSON.parse(s);
      return rest;
    };
    expect(strip(resumed.stdout)).toEqual(strip(plain.stdout));
    expect(strip(ck.stdout)).toEqual(strip(plain.stdout));
    expectUsageError(
      await cli(...flags, '--seed', '6', '--json', '--quiet', '--resume', file),
      /--resume: .* was written with seed = 5, this run has 6/,
    );
    expectUsageError(
      await cli(...flags, '--resume', join(dir, 'missing.ckpt')),
      /--resume: cannot read checkpoint/,
    );
    expectUsageError(
      await cli(...flags, '--checkpoint', join(dir, 'no/such/dir/x.ckpt')),
      /--checkpoint: cannot write/,
    );
    expectUsageError(
      await cli('sweep', '--landscape', 'crossing', '--n', '10,100', '--checkpoint', file),
      /only for llc/,
    );
    expectUsageError(await cli(...flags, '--steps', '1e10'), /--steps: .* at most 2\^32/);
    expectUsageError(await cli(...flags, '--exchange', 'on'), /--exchange needs walker groups/);
    expectUsageError(
      await cli(...flags, '--hot-ladder', '2', '--ladder', '3'),
      /--hot-ladder is only for llc/,
    );
    expectUsageError(
      await cli('sweep', '--landscape', 'crossing', '--n', '10,100', '--exchange', 'maybe'),
      /--exchange/,
    );
  });
});
