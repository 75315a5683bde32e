/**
 * What the SGD-vs-Bayes view draws, from one snapshot of each hash table (pure, so it is unit-tested):
 * the log–log scatter of P_SGD(f|S) against P_B(f|S) over every function seen by either side, the
 * correlation of log-probabilities over the functions seen by both (src/core/function-space/sgd-vs-bayes.ts's
 * `correlate`, the CLI's numbers), each side's test-error histogram as fractions, the top functions of
 * each with K_LZ, and the acceptance message when P_B cannot be trusted yet.
 */
import type { TableSnapshot } from '../../core/function-space/function-table';
import type { BoolTask } from '../../core/function-space/sgd-task';
import {
  acceptanceMessage,
  type Correlation,
  correlate,
  type FunctionRow,
  HIST_BINS,
  meanTestError,
  sortedEntries,
  testErrorHistogram,
  topRows,
} from '../../core/function-space/sgd-vs-bayes';

/** A function missing from one side is drawn this far (in log₁₀) below that side's floor. */
export const BELOW_FLOOR = 0.5;
/** Points drawn per group at most (the correlation always uses every shared function). */
export const MAX_POINTS = 4000;

export interface ScatterData {
  /** Seen by both: log₁₀ P_SGD, log₁₀ P_B. */
  readonly both: { readonly x: number[]; readonly y: number[] };
  /** Seen only by SGD: y sits BELOW_FLOOR under log₁₀ of the Bayes floor. */
  readonly sgdOnly: { readonly x: number[]; readonly y: number[] };
  /** Seen only by Bayes: x sits BELOW_FLOOR left of log₁₀ of the SGD floor. */
  readonly bayesOnly: { readonly x: number[]; readonly y: number[] };
  /** log₁₀ of one count on each side (null before that side has a count). */
  readonly sgdFloor: number | null;
  readonly bayesFloor: number | null;
}

const keyText = (k: Uint32Array): string => `${k[0]},${k[1]},${k[2]},${k[3]}`;

/**
 * Every function with a count in either table, placed at (log₁₀ P_SGD, log₁₀ P_B); P = count / total of
 * that table. A function one side never saw has no probability there, only an upper bound below one
 * count: it is drawn BELOW_FLOOR under that side's floor, in its own colour, and left out of the
 * correlation.
 */
export function scatterData(
  sgd: TableSnapshot,
  sgdTotal: number,
  bayes: TableSnapshot,
  bayesTotal: number,
): ScatterData {
  const sgdFloor = sgdTotal > 0 ? Math.log10(1 / sgdTotal) : null;
  const bayesFloor = bayesTotal > 0 ? Math.log10(1 / bayesTotal) : null;
  const b = new Map<string, number>();
  for (const e of bayes.entries) b.set(keyText(e.key), e.count);
  const both = { x: [] as number[], y: [] as number[] };
  const sgdOnly = { x: [] as number[], y: [] as number[] };
  const bayesOnly = { x: [] as number[], y: [] as number[] };
  const seen = new Set<string>();
  // An empty side has no floor: its missing points sit BELOW_FLOOR under the other side's own floor.
  const yMissing = (bayesFloor ?? sgdFloor ?? 0) - BELOW_FLOOR;
  const xMissing = (sgdFloor ?? bayesFloor ?? 0) - BELOW_FLOOR;
  for (const e of sgd.entries) {
    if (e.count <= 0 || sgdTotal <= 0) continue;
    const k = keyText(e.key);
    const x = Math.log10(e.count / sgdTotal);
    const cb = b.get(k);
    if (cb !== undefined && cb > 0 && bayesTotal > 0) {
      seen.add(k);
      if (both.x.length < MAX_POINTS) {
        both.x.push(x);
        both.y.push(Math.log10(cb / bayesTotal));
      }
    } else if (sgdOnly.x.length < MAX_POINTS) {
      sgdOnly.x.push(x);
      sgdOnly.y.push(yMissing);
    }
  }
  for (const e of bayes.entries) {
    if (e.count <= 0 || bayesTotal <= 0 || seen.has(keyText(e.key)) || bayesOnly.x.length >= MAX_POINTS)
      continue;
    bayesOnly.x.push(xMissing);
    bayesOnly.y.push(Math.log10(e.count / bayesTotal));
  }
  return { both, sgdOnly, bayesOnly, sgdFloor, bayesFloor };
}

export interface SgdBayesSummary {
  readonly scatter: ScatterData;
  readonly correlation: Correlation;
  /** Fractions per test-error bin (HIST_BINS + 1 bins: error 0, then ((k−1)/B, k/B]); all 0 when empty. */
  readonly sgdHist: number[];
  readonly bayesHist: number[];
  /** Exact mean test error over each side's counts (null without counts). */
  readonly sgdMeanError: number | null;
  readonly bayesMeanError: number | null;
  readonly sgdTop: FunctionRow[];
  readonly bayesTop: FunctionRow[];
  /** Why P_B is not to be trusted yet (too few accepted), or null. */
  readonly acceptance: string | null;
  /** Keys that found a table full (counted, never dropped): SGD, Bayes. */
  readonly other: readonly [number, number];
}

const fractions = (h: number[]): number[] => {
  const n = h.reduce((s, x) => s + x, 0);
  return h.map((x) => (n > 0 ? x / n : 0));
};

/** `samples`: prior samples drawn so far (the acceptance message's denominator). */
export function summariseSgdBayes(
  task: BoolTask,
  sgd: TableSnapshot,
  bayes: TableSnapshot,
  samples: number,
  top = 6,
): SgdBayesSummary {
  // In a fixed order (count, then key): the GPU table's slot order is not deterministic, and the
  // points drawn (capped at MAX_POINTS), their overdraw and the sums' rounding must not depend on it.
  sgd = { ...sgd, entries: sortedEntries(sgd) };
  bayes = { ...bayes, entries: sortedEntries(bayes) };
  const { pairs: _pairs, ...correlation } = correlate(sgd, sgd.total, bayes, bayes.total);
  return {
    scatter: scatterData(sgd, sgd.total, bayes, bayes.total),
    correlation,
    sgdHist: fractions(testErrorHistogram(task, sgd)),
    bayesHist: fractions(testErrorHistogram(task, bayes)),
    sgdMeanError: meanTestError(task, sgd),
    bayesMeanError: meanTestError(task, bayes),
    sgdTop: topRows(task, sgd, sgd.total, top),
    bayesTop: topRows(task, bayes, bayes.total, top),
    acceptance: samples > 0 ? acceptanceMessage(samples, bayes.total) : null,
    other: [sgd.other, bayes.other],
  };
}

/** Bin centres of the test-error histograms on [0, 1]: 0, then the middle of each ((k−1)/B, k/B]. */
export const histogramCentres = (): number[] =>
  Array.from({ length: HIST_BINS + 1 }, (_, k) => (k === 0 ? 0 : (k - 0.5) / HIST_BINS));

/** A correlation for display: 3 decimals, or a dash flagged with why (never NaN). */
export function correlationText(c: Correlation): string {
  const f = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(3));
  const head = `Spearman ρ = ${f(c.spearman)} · Pearson r = ${f(c.pearson)} (log₁₀ P, ${c.shared} functions seen by both)`;
  if (c.spearman !== null && c.pearson !== null) return head;
  // correlate's note covers too few shared functions; with ≥ 3 a null means a side without spread.
  const why =
    c.shared < 3
      ? c.note
      : 'one side gives every shared function the same probability: no correlation (null)';
  return `${head} — ${why}`;
}
