/**
 * SGD vs Bayes on a Boolean task (issue 13): P_SGD(f | S) from networks trained to fit S (SgdTrainer),
 * P_B(f | S) from rejection sampling of the prior (BayesRejection), and their comparison in function
 * space: the top functions of each with K_LZ and test error, test-error histograms, and the
 * correlation of log-probabilities over the functions seen by both, with each side's sampling floor.
 */
import { BayesRejection } from './bayes-rejection';
import { kLz } from './complexity';
import { FunctionTable, type TableSnapshot } from './function-table';
import { keyToBits, type RandNetConfig } from './randnet';
import { type BoolTask, testError } from './sgd-task';
import { SgdTrainer } from './sgd-trainer';
import type { TrainConfig } from './sgd-twin';

export interface FunctionRow {
  readonly bits: string;
  readonly count: number;
  readonly p: number;
  readonly k_lz: number;
  readonly test_error: number;
}

/** Bins of the test-error histograms: error 0, then (k−1)/B, k/B] for k = 1..B (B = HIST_BINS). */
export const HIST_BINS = 10;

export function testErrorHistogram(task: BoolTask, snap: TableSnapshot): number[] {
  const h = new Array<number>(HIST_BINS + 1).fill(0);
  for (const e of snap.entries) {
    const err = testError(task, keyToBits(e.key, task.inputs));
    // The 1e-9 keeps an error of exactly k/B (e.g. 3/10 = 0.30000000000000004 after ×10) in bin k.
    h[err === 0 ? 0 : Math.min(HIST_BINS, Math.max(1, Math.ceil(err * HIST_BINS - 1e-9)))] += e.count;
  }
  return h;
}

/**
 * Entries by count, descending; ties by key (word 3 down to word 0), so the order does not depend on
 * the slots the hash table happened to give them (insertion order is not deterministic on the GPU).
 */
export function sortedEntries(snap: TableSnapshot): TableSnapshot['entries'] {
  return [...snap.entries].sort((a, b) => {
    if (b.count !== a.count) return b.count - a.count;
    for (let w = 3; w >= 0; w--) if (a.key[w] !== b.key[w]) return a.key[w] - b.key[w];
    return 0;
  });
}

export function topRows(task: BoolTask, snap: TableSnapshot, total: number, top: number): FunctionRow[] {
  return sortedEntries(snap)
    .slice(0, top)
    .map((e) => {
      const bits = keyToBits(e.key, task.inputs);
      return {
        bits,
        count: e.count,
        p: total > 0 ? e.count / total : 0,
        k_lz: kLz(bits),
        test_error: testError(task, bits),
      };
    });
}

/** Mean test error weighted by counts (null without counts). */
export function meanTestError(task: BoolTask, snap: TableSnapshot): number | null {
  let s = 0;
  let n = 0;
  for (const e of snap.entries) {
    s += e.count * testError(task, keyToBits(e.key, task.inputs));
    n += e.count;
  }
  return n > 0 ? s / n : null;
}

function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2; // ties share their mean rank
    i = j + 1;
  }
  return r;
}

/** Pearson correlation; null when fewer than 3 pairs or either side is constant (never NaN). */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  if (n < 3 || b.length !== n) return null;
  // Exactly constant sides first: their centred sums of squares come out as rounding noise, not 0.
  if (a.every((x) => x === a[0]) || b.every((x) => x === b[0])) return null;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) return null;
  return sab / Math.sqrt(saa * sbb);
}

export const spearman = (a: readonly number[], b: readonly number[]): number | null =>
  a.length < 3 ? null : pearson(ranks(a), ranks(b));

export interface Correlation {
  /** Functions seen by both (the pairs correlated). */
  readonly shared: number;
  readonly spearman: number | null;
  readonly pearson: number | null;
  /** Smallest nonzero probability each side can show: 1/count (one sample). */
  readonly sgd_floor: number | null;
  readonly bayes_floor: number | null;
  readonly note: string;
}

/** Correlation of log10 P_SGD and log10 P_B over the functions with a count in both tables. */
export function correlate(
  sgd: TableSnapshot,
  sgdTotal: number,
  bayes: TableSnapshot,
  bayesTotal: number,
): Correlation & { pairs: [number, number][] } {
  const b = new Map<string, number>();
  for (const e of bayes.entries) b.set(e.key.join(','), e.count);
  const pairs: [number, number][] = [];
  for (const e of sgd.entries) {
    const cb = b.get(e.key.join(','));
    if (cb !== undefined) pairs.push([Math.log10(e.count / sgdTotal), Math.log10(cb / bayesTotal)]);
  }
  const xs = pairs.map((p) => p[0]);
  const ys = pairs.map((p) => p[1]);
  const sp = spearman(xs, ys);
  const pe = pearson(xs, ys);
  return {
    shared: pairs.length,
    spearman: sp,
    pearson: pe,
    sgd_floor: sgdTotal > 0 ? 1 / sgdTotal : null,
    bayes_floor: bayesTotal > 0 ? 1 / bayesTotal : null,
    note:
      pairs.length < 3
        ? `only ${pairs.length} function(s) seen by both: no correlation (null)`
        : 'log10 probabilities over functions seen by both; functions near a floor (1/count) carry count noise',
    pairs,
  };
}

export type ProgressFn = (phase: 'sgd' | 'bayes', done: number, total: number) => void;

export interface SgdSide {
  readonly runs: number;
  readonly converged: number;
  readonly notConverged: number;
  readonly meanEpochs: number | null;
  readonly snapshot: TableSnapshot;
  readonly seconds: number;
}

/** Trains `runs` networks (network k = randnet's network k of the seed), counts converged functions. */
export async function runSgd(
  device: GPUDevice,
  net: RandNetConfig,
  task: BoolTask,
  train: TrainConfig,
  opts: { runs: number; batch: number; capacity: number; onProgress?: ProgressFn },
): Promise<SgdSide> {
  const batch = Math.min(opts.batch, opts.runs);
  const trainer = await SgdTrainer.create(device, net, task, train, batch);
  let table: FunctionTable | undefined;
  try {
    table = await FunctionTable.create(device, { capacity: opts.capacity, batch });
    const t0 = performance.now();
    let converged = 0;
    let epochSum = 0;
    for (let first = 0; first < opts.runs; first += batch) {
      const count = Math.min(batch, opts.runs - first);
      const r = await trainer.trainBatch(first, count, (_e, stopped) =>
        opts.onProgress?.('sgd', first + stopped, opts.runs),
      );
      const fit: number[] = [];
      for (let j = 0; j < count; j++) {
        if (r.state[j] === 1) {
          fit.push(r.keys[4 * j], r.keys[4 * j + 1], r.keys[4 * j + 2], r.keys[4 * j + 3]);
          epochSum += r.epochs[j];
        } else if (r.state[j] !== 2) throw new Error(`network ${first + j} neither fitted nor gave up`);
      }
      converged += fit.length / 4;
      if (fit.length > 0) table.insertKeys(new Uint32Array(fit));
      opts.onProgress?.('sgd', first + count, opts.runs);
    }
    const snapshot = await table.readEntries();
    return {
      runs: opts.runs,
      converged,
      notConverged: opts.runs - converged,
      meanEpochs: converged > 0 ? epochSum / converged : null,
      snapshot,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    trainer.destroy();
    table?.destroy();
  }
}

export interface BayesSide {
  readonly samples: number;
  readonly accepted: number;
  readonly snapshot: TableSnapshot;
  readonly seconds: number;
}

export async function runBayes(
  device: GPUDevice,
  net: RandNetConfig,
  task: BoolTask,
  opts: { samples: number; batch: number; capacity: number; onProgress?: ProgressFn },
): Promise<BayesSide> {
  const batch = Math.min(opts.batch, opts.samples);
  const bayes = await BayesRejection.create(device, net, task, { batch, capacity: opts.capacity });
  try {
    const t0 = performance.now();
    while (bayes.samples < opts.samples) {
      await bayes.advance(Math.min(batch, opts.samples - bayes.samples));
      opts.onProgress?.('bayes', bayes.samples, opts.samples);
    }
    const snapshot = await bayes.read();
    return {
      samples: bayes.samples,
      accepted: bayes.accepted,
      snapshot,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    bayes.destroy();
  }
}

/**
 * What the acceptance rate allows: null when fine (≥ 100 accepted), otherwise a message saying how many
 * prior samples ~100 accepted networks would take (with no acceptance, from the 95% upper bound 3/N).
 */
export function acceptanceMessage(samples: number, accepted: number): string | null {
  if (accepted >= 100) return null;
  if (accepted === 0) {
    return (
      `no network of ${samples} fitted the training set: acceptance < ${(3 / samples).toPrecision(2)} (95% upper bound), ` +
      `P_B(f|S) cannot be estimated; ~100 accepted networks would take more than ${((100 * samples) / 3).toPrecision(2)} samples`
    );
  }
  const rate = accepted / samples;
  return (
    `only ${accepted} of ${samples} networks fitted the training set (acceptance ${rate.toPrecision(2)}): ` +
    `P_B(f|S) is too noisy to compare; ~100 accepted networks would take ~${(100 / rate).toPrecision(2)} samples`
  );
}
