/**
 * The SGD-vs-Bayes view's pure logic (src/app/jobs/sgd-bayes-summary.ts): the log–log scatter over every
 * function either side saw, the correlation readout over the shared ones (a number or a flagged dash,
 * never NaN), the test-error histograms as shares, and the schema's check of target text.
 */
import { describe, expect, it } from 'vitest';
import {
  BELOW_FLOOR,
  correlationText,
  histogramCentres,
  scatterData,
  summariseSgdBayes,
} from '../../../src/app/jobs/sgd-bayes-summary';
import type { TableSnapshot } from '../../../src/core/function-space/function-table';
import { bitsToKey } from '../../../src/core/function-space/randnet';
import { checkTargetText, makeTask } from '../../../src/core/function-space/sgd-task';
import { HIST_BINS, spearman } from '../../../src/core/function-space/sgd-vs-bayes';
import { parseField } from '../../../src/scene/schema';

/** A snapshot of 3-input functions (8-bit truth tables) with these counts. */
function snap(counts: Record<string, number>, other = 0): TableSnapshot {
  const entries = Object.entries(counts).map(([bits, count]) => ({ key: bitsToKey(bits), count }));
  const sum = entries.reduce((s, e) => s + e.count, 0);
  return { total: sum + other, distinct: entries.length, other, entries };
}

describe('log–log scatter of P_SGD against P_B', () => {
  it('places shared functions at their log-probabilities and the rest below the other side’s floor', () => {
    const sgd = snap({ '00000000': 60, '00110011': 30, '11111111': 10 });
    const bayes = snap({ '00000000': 500, '00110011': 400, '01010101': 100 });
    const s = scatterData(sgd, 100, bayes, 1000);
    expect(s.sgdFloor).toBeCloseTo(-2, 12);
    expect(s.bayesFloor).toBeCloseTo(-3, 12);
    const both = s.both.x.map((x, i) => [x, s.both.y[i]]).sort((a, b) => b[0] - a[0]);
    expect(both).toHaveLength(2);
    expect(both[0][0]).toBeCloseTo(Math.log10(0.6), 12);
    expect(both[0][1]).toBeCloseTo(Math.log10(0.5), 12);
    expect(both[1][0]).toBeCloseTo(Math.log10(0.3), 12);
    expect(both[1][1]).toBeCloseTo(Math.log10(0.4), 12);
    // 11111111 only in SGD: under the Bayes floor; 01010101 only in Bayes: left of the SGD floor.
    expect(s.sgdOnly.x).toEqual([Math.log10(0.1)]);
    expect(s.sgdOnly.y).toEqual([-3 - BELOW_FLOOR]);
    expect(s.bayesOnly.x).toEqual([-2 - BELOW_FLOOR]);
    expect(s.bayesOnly.y[0]).toBeCloseTo(Math.log10(0.1), 12);
  });

  it('has no floor and no shared point for an empty side, and no NaN anywhere', () => {
    const sgd = snap({ '00000000': 5, '00110011': 3 });
    const s = scatterData(sgd, 8, snap({}), 0);
    expect(s.bayesFloor).toBeNull();
    expect(s.both.x).toEqual([]);
    expect(s.sgdOnly.x).toHaveLength(2);
    for (const v of [...s.sgdOnly.x, ...s.sgdOnly.y]) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('summary of two snapshots', () => {
  const task = makeTask(3, '00110011', 4, 1);

  it('correlates the shared functions as the CLI does, and reads as a number', () => {
    // Counts proportional between the sides: log P differs by a constant, so both correlations are 1.
    const base = { '00110011': 40, '00110111': 20, '10110011': 10, '00111011': 5 };
    const sgd = snap(base);
    const bayes = snap(Object.fromEntries(Object.entries(base).map(([k, v]) => [k, 3 * v])));
    const sum = summariseSgdBayes(task, sgd, bayes, 10_000);
    expect(sum.correlation.shared).toBe(4);
    expect(sum.correlation.pearson).toBeCloseTo(1, 12);
    expect(sum.correlation.spearman).toBeCloseTo(1, 12);
    expect(correlationText(sum.correlation)).toMatch(/^Spearman ρ = 1\.000 · Pearson r = 1\.000/);
    // 225 accepted of 10 000: enough to compare, no message.
    expect(sum.acceptance).toBeNull();
    // Reversed order on one side: Spearman −1, as the engine's spearman of the pairs.
    const rev = snap({ '00110011': 5, '00110111': 10, '10110011': 20, '00111011': 40 });
    const r = summariseSgdBayes(task, sgd, rev, 10_000);
    expect(r.correlation.spearman).toBeCloseTo(-1, 12);
    expect(r.correlation.spearman).toBe(
      spearman([40, 20, 10, 5].map(Math.log10), [5, 10, 20, 40].map(Math.log10)),
    );
  });

  it('flags a correlation it cannot compute with a dash and why, and a tiny acceptance with a message', () => {
    const sgd = snap({ '00110011': 7, '00110111': 1 });
    const bayes = snap({ '00110011': 2 });
    const sum = summariseSgdBayes(task, sgd, bayes, 50_000);
    expect(sum.correlation.spearman).toBeNull();
    const text = correlationText(sum.correlation);
    expect(text).toContain('Spearman ρ = —');
    expect(text).toContain('only 1 function(s) seen by both');
    expect(text).not.toMatch(/NaN/);
    expect(sum.acceptance).toMatch(/only 2 of 50000 networks fitted the training set/);
    expect(summariseSgdBayes(task, sgd, snap({}), 50_000).acceptance).toMatch(/no network of 50000 fitted/);
    // Three shared functions, each seen once by SGD: no spread there, so no correlation (not 0.000).
    const once = snap({ '00110011': 1, '00110111': 1, '10110011': 1 });
    const flat = summariseSgdBayes(task, once, snap({ '00110011': 9, '00110111': 4, '10110011': 2 }), 100);
    expect(flat.correlation.pearson).toBeNull();
    expect(flat.correlation.spearman).toBeNull();
    expect(correlationText(flat.correlation)).toContain('the same probability: no correlation');
  });

  it('gives each side’s test-error histogram as shares that sum to 1, with exact mean test errors', () => {
    // The target itself (error 0) and a function wrong on every point.
    const sgd = snap({ '00110011': 3, '11001100': 1 });
    const sum = summariseSgdBayes(task, sgd, snap({}), 0);
    expect(sum.sgdHist).toHaveLength(HIST_BINS + 1);
    expect(sum.sgdHist.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(sum.sgdHist[0]).toBeCloseTo(0.75, 12);
    expect(sum.sgdHist[HIST_BINS]).toBeCloseTo(0.25, 12);
    expect(sum.sgdMeanError).toBeCloseTo(0.25, 12);
    expect(sum.bayesHist.every((x) => x === 0)).toBe(true);
    expect(sum.bayesMeanError).toBeNull();
    expect(sum.acceptance).toBeNull();
    expect(histogramCentres()[0]).toBe(0);
    expect(histogramCentres()[HIST_BINS]).toBeCloseTo(0.95, 12);
  });
});

describe('target text in the schema', () => {
  it('accepts 0/1 strings, zeros, ones and random:K, and names a bad character with its position', () => {
    for (const t of ['0011', 'zeros', 'ones', 'random:14', '0'.repeat(128)])
      expect(checkTargetText(t), t).toBeNull();
    expect(checkTargetText('00x1')).toMatch(/character 'x' at position 3/);
    expect(checkTargetText('random:abc')).toMatch(/random:K needs a number/);
    const r = parseField('sgTarget', '0120');
    expect('error' in r && r.error.message).toMatch(/'sgTarget'.*character '2' at position 3/);
  });
});
