/**
 * The measurement loop (src/core/measures/measurement-loop.ts) on a fake engine that records what it is
 * asked to do: the order of burn-in, tally and sampling; checkpoints when due; a stop that saves and
 * throws RunInterrupted; a resume that repeats the uninterrupted run's batches; a cancel hook.
 */
import { describe, expect, it } from 'vitest';
import {
  type LoopOptions,
  RunInterrupted,
  runMeasurement,
} from '../../../src/core/measures/measurement-loop';
import type { EngineSnapshot, WalkerEngine } from '../../../src/core/walkers/walker-engine';

/** Steps per fake dispatch: a stop is honoured at these boundaries. */
const DISPATCH = 10;

function fakeEngine() {
  const log: string[] = [];
  let step = 0;
  const engine = {
    dim: 1,
    settings: { sampler: 'mala', precondition: 'none', prior: { kind: 'box', scale: 1 }, eps: 0.1 },
    get step() {
      return step;
    },
    reset: (init: string) => {
      step = 0;
      log.push(`reset ${init}`);
    },
    setAccumulate: (on: boolean, planned?: number) => log.push(`accumulate ${on} ${planned ?? '-'}`),
    clearCounters: () => log.push('clear'),
    run: async (count: number, onProgress?: (d: number) => void, stop?: () => boolean) => {
      let queued = 0;
      while (queued < count && !stop?.()) {
        const k = Math.min(DISPATCH - (step % DISPATCH), count - queued);
        queued += k;
        step += k;
      }
      onProgress?.(queued);
      log.push(`run ${queued}`);
      return queued;
    },
    snapshot: async () => ({ step }) as unknown as EngineSnapshot,
    restore: (s: EngineSnapshot) => {
      step = s.step;
      log.push(`restore ${s.step}`);
    },
  };
  return { engine: engine as unknown as WalkerEngine, log };
}

const base: LoopOptions = {
  steps: 100,
  burnin: 50,
  init: 'prior',
  tune: false,
  target: 0.8,
  perGroup: false,
  batches: 4,
};

describe('measurement loop', () => {
  it('burns in, lets the tally begin, then samples batch by batch', async () => {
    const { engine, log } = fakeEngine();
    const progress: number[] = [];
    await runMeasurement(
      engine,
      {
        ...base,
        onProgress: (d, total) => progress.push(d / total),
        afterBatch: async () => void log.push('after'),
      },
      { begin: async () => void log.push('begin'), batch: async (b) => void log.push(`batch ${b}`) },
    );
    expect(log).toEqual([
      'reset prior',
      'accumulate false -',
      'clear',
      'run 50',
      'begin',
      'clear',
      'accumulate true 100',
      ...[0, 1, 2, 3].flatMap((b) => ['run 25', `batch ${b}`, 'after']),
      'accumulate false -',
    ]);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
  });

  it('writes a checkpoint after each batch and when one is due, and the run goes on', async () => {
    const { engine } = fakeEngine();
    const saved: { batch: number; batchDone: number; done: number }[] = [];
    let due = true;
    await runMeasurement(
      engine,
      {
        ...base,
        checkpointDue: () => {
          const now = due;
          due = false;
          return now;
        },
        checkpoint: async ({ batch, batchDone, done }) => void saved.push({ batch, batchDone, done }),
      },
      {},
    );
    // Due at once: the first batch saves after no steps, then after each batch but the last.
    expect(saved).toEqual([
      { batch: 0, batchDone: 0, done: 50 },
      { batch: 1, batchDone: 0, done: 75 },
      { batch: 2, batchDone: 0, done: 100 },
      { batch: 3, batchDone: 0, done: 125 },
    ]);
  });

  it('stops at a dispatch boundary, saves, throws RunInterrupted, and resumes to the same batches', async () => {
    const whole = fakeEngine();
    const reads: number[] = [];
    await runMeasurement(whole.engine, base, { batch: async () => void reads.push(whole.engine.step) });

    const cut = fakeEngine();
    let at: Parameters<NonNullable<LoopOptions['checkpoint']>>[0] | undefined;
    const firstReads: number[] = [];
    const stopped = runMeasurement(
      cut.engine,
      {
        ...base,
        shouldStop: () => cut.engine.step >= 90,
        checkpoint: async (p) => {
          at = p;
        },
      },
      { batch: async () => void firstReads.push(cut.engine.step) },
    );
    await expect(stopped).rejects.toBeInstanceOf(RunInterrupted);
    expect(at).toMatchObject({ batch: 1, batchDone: 15, done: 90 });

    const resumed = fakeEngine();
    const laterReads: number[] = [];
    await runMeasurement(
      resumed.engine,
      { ...base, resume: at },
      {
        begin: async () => {
          throw new Error('a resumed run has no burn-in to begin after');
        },
        batch: async () => void laterReads.push(resumed.engine.step),
      },
    );
    expect(resumed.log.slice(0, 2)).toEqual(['restore 90', 'accumulate true -']);
    expect([...firstReads, ...laterReads]).toEqual(reads);
  });

  it('calls cancel before every burn-in chunk and sampling batch', async () => {
    const { engine } = fakeEngine();
    let calls = 0;
    const cancel = () => {
      calls++;
      if (calls === 3) throw new Error('cancelled');
    };
    await expect(runMeasurement(engine, { ...base, cancel }, {})).rejects.toThrow('cancelled');
    // One burn-in chunk (untuned), then batches 0 and 1: cancelled before batch 1 runs.
    expect(calls).toBe(3);
  });
});
