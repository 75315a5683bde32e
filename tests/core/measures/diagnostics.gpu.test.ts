/**
 * Convergence diagnostics on the GPU: the reduction's split-R̂, ESS and between-starts z equal their
 * double-precision TypeScript twin on the read-back per-walker accumulators; the mixed start puts
 * even walkers at w* and odd ones on the prior draw; a run stopped after a handful of steps, or one on
 * a landscape whose two basins the walkers do not cross, reports converged: false, and a long run on
 * an easy target converged: true. Seeded; thresholds are the product's own (diagnostics.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  diagnoseSums,
  isConverged,
  RHAT_MAX,
  STUCK_ACCEPTANCE,
  sumsFromAccumulators,
} from '../../../src/core/measures/diagnostics';
import { runGroups } from '../../../src/core/measures/ladder';
import { runLlc } from '../../../src/core/measures/llc-run';
import { cpuInit } from '../../../src/core/walkers/cpu-reference';
import { WalkerEngine } from '../../../src/core/walkers/walker-engine';
import { cli, jsonLines } from '../../helpers/cli';
import { device, noGpu } from '../../helpers/gpu';
import { engineConfig, posterior } from '../../helpers/scenes';

const engines: WalkerEngine[] = [];
async function engine(...args: Parameters<typeof engineConfig>): Promise<WalkerEngine> {
  const e = await WalkerEngine.create(device!, engineConfig(...args));
  engines.push(e);
  return e;
}

describe.skipIf(noGpu)('convergence diagnostics on the GPU', () => {
  afterEach(() => {
    for (const e of engines.splice(0)) e.destroy();
  });

  it('starts even walkers at w* and odd ones exactly where the prior start puts them', async () => {
    const p = posterior('crossing', 100, [1, 1]);
    const e = await engine({ ...p, wstar: [0.25, -0.5] }, 256);
    e.reset('mixed');
    const got = await e.readPositions();
    const prior = cpuInit({ ...p, sampler: 'ula', eps: 1e-3, seed: 1 }, 256, 'prior').positions;
    for (let i = 0; i < 256; i++) {
      const want = i % 2 === 0 ? [0.25, -0.5] : [prior[2 * i], prior[2 * i + 1]].map(Math.fround);
      expect([got[2 * i], got[2 * i + 1]]).toEqual(want);
    }
  });

  it('reduces to the same R̂, ESS and starts z as the TypeScript twin of the read-back walkers', async () => {
    // Two groups at different n·β: the per-group ranges (first > 0) are checked too.
    const e = await engine(posterior('crossing', 1000, [1, 1]), 512, 'mala', { groupNbeta: [50, 400] });
    const { groups } = await runGroups(e, { steps: 300, burnin: 100, init: 'mixed', tuneStep: true });
    const acc = await e.readDiagnosticAccumulators();
    for (let g = 0; g < 2; g++) {
      const { first, count } = e.groupRange(g);
      const gpu = groups[g].diagnostics;
      const twin = diagnoseSums(sumsFromAccumulators(acc.whole, acc.half, 0, first, count), 300);
      expect(gpu.samples).toBe(300);
      // The GPU sums in f32 around L(w*) (shift 0 here), the twin in f64: agreement to ~1e-5.
      expect(Math.abs(gpu.rhat - twin.rhat)).toBeLessThan(1e-4);
      expect(Math.abs(gpu.ess / twin.ess - 1)).toBeLessThan(1e-3);
      expect(Math.abs(gpu.startsZ - twin.startsZ)).toBeLessThan(1e-3);
      // Every walker was split at the midpoint: 150 + 150 samples.
      for (let i = first; i < first + count; i++) {
        expect(acc.whole[4 * i + 3]).toBe(300);
        expect(acc.half[4 * i + 3]).toBe(150);
      }
    }
  });

  it('reports converged: false after a handful of steps from the mixed start', async () => {
    const e = await engine(posterior('crossing', 1000, [1, 1]), 256);
    const r = await runLlc(e, { ...e.settings, steps: 8, burnin: 0, init: 'mixed', tuneStep: false });
    // The w*-started half sits at L = 0, the prior half far up the valley walls: R̂ ≫ 1.
    expect(r.diagnostics.rhat).toBeGreaterThan(RHAT_MAX);
    expect(isConverged(r.diagnostics)).toBe(false);
  });

  it('reports converged: false when the walkers have not crossed between two basins', async () => {
    // Phase transition at n = 10⁵: the regular minimum holds all the exact mass, but the prior-started
    // walkers stay in the singular valley (issue 11, item 2) within these steps.
    const e = await engine(posterior('phase-transition', 1e5, [0.01]), 256);
    const r = await runLlc(e, { ...e.settings, steps: 400, burnin: 200, init: 'mixed', tuneStep: true });
    expect(r.diagnostics.rhat).toBeGreaterThan(RHAT_MAX);
    expect(Math.abs(r.diagnostics.startsZ)).toBeGreaterThan(5);
    expect(isConverged(r.diagnostics)).toBe(false);
  });

  it('reports converged: true for a long run on an easy target', async () => {
    const e = await engine(posterior('bowl', 1000), 256);
    const r = await runLlc(e, { ...e.settings, steps: 1500, burnin: 500, init: 'mixed', tuneStep: true });
    expect(r.diagnostics.rhat).toBeLessThan(RHAT_MAX);
    expect(r.diagnostics.stuck).toBe(0);
    expect(r.diagnostics.ess).toBeGreaterThan(1000);
    expect(isConverged(r.diagnostics)).toBe(true);
  });

  it('counts a walker stuck at a wall (acceptance below 5 %) as stuck', async () => {
    // A step far too large for nβ = 10⁴: every proposal lands outside the box or far uphill.
    const e = await engine(posterior('bowl', 1e4), 64, 'mala', { eps: 4 });
    const r = await runLlc(e, { ...e.settings, steps: 200, burnin: 0, init: 'mixed', tuneStep: false });
    expect(r.acceptance).toBeLessThan(STUCK_ACCEPTANCE);
    expect(r.diagnostics.stuck).toBeGreaterThan(0);
    expect(isConverged(r.diagnostics)).toBe(false);
  });

  it('puts rhat, ess, stuck and converged in every CLI result and warns on stderr when unconverged', async () => {
    const few = await cli(
      'llc',
      '--landscape',
      'crossing',
      '--walkers',
      '128',
      '--steps',
      '6',
      '--burnin',
      '0',
      '--json',
      '--quiet',
    );
    expect(few.code).toBe(0);
    const a = JSON.parse(few.stdout);
    expect(a).toMatchObject({ init: 'mixed', stuck: 0, converged: false });
    expect(a.rhat).toBeGreaterThan(RHAT_MAX);
    expect(typeof a.ess).toBe('number');
    // One line naming the failed test and its number; nothing on stdout but the JSON.
    expect(few.stderr).toMatch(
      new RegExp(`warning: not converged \\(R̂ = ${a.rhat.toPrecision(4)} ≥ 1\\.05\\)`),
    );
    const sweep = await cli(
      'sweep',
      '--landscape',
      'bowl',
      '--n',
      '100,1000',
      '--walkers',
      '128',
      '--steps',
      '600',
      '--burnin',
      '300',
      '--json',
      '--quiet',
    );
    const rows = jsonLines(sweep.stdout);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ converged: true, stuck: 0 });
      expect(r.rhat).toBeLessThan(RHAT_MAX);
    }
    expect(sweep.stderr).not.toMatch(/not converged/);
    const ladder = await cli(
      'llc',
      '--landscape',
      'bowl',
      '--ladder',
      '3',
      '--walkers',
      '64',
      '--steps',
      '8',
      '--burnin',
      '0',
      '--json',
      '--quiet',
    );
    const l = JSON.parse(ladder.stdout);
    expect(l.converged).toBe(false);
    // The verdict is the worst rung's: a number, the largest of the rungs' R̂.
    expect(l.rhat).toBe(Math.max(...l.ladder.map((r: { rhat: number }) => r.rhat)));
    for (const rung of l.ladder) expect(rung).toHaveProperty('rhat');
    expect(ladder.stderr).toMatch(/not converged \(nβ = [\d.]+: R̂ = /);
  });
});
