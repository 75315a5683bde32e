/**
 * Replica exchange between walker groups (shaders/exchange.wgsl) and the bounded submit queue of
 * WalkerEngine.run(): every group still samples its own posterior (against quadrature), the swaps let
 * the cold groups of the phase-transition landscape leave the valley, results do not depend on how
 * the steps are split, and a long run never queues more than MAX_SUBMITS_AHEAD dispatches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findLandscape, type Landscape } from '../../../src/core/landscapes/landscapes';
import { polynomialSlotsLandscape } from '../../../src/core/landscapes/models/polynomial';
import { certainly, exactExpectations2D } from '../../../src/core/landscapes/quadrature';
import { runGroups, sweepNbeta } from '../../../src/core/measures/ladder';
import { MAX_SUBMITS_AHEAD, WalkerEngine } from '../../../src/core/walkers/walker-engine';
import { cli } from '../../helpers/cli';
import { device, noGpu } from '../../helpers/gpu';

const engines: WalkerEngine[] = [];

async function groups(
  landscape: Landscape,
  params: number[],
  groupNbeta: number[],
  perGroup: number,
  opts: { seed?: number; exchangeEvery?: number; stepsPerDispatch?: number } = {},
) {
  const e = await WalkerEngine.create(device!, {
    landscape,
    params,
    n: 1000,
    beta: 1,
    gamma: 0,
    prior: { kind: 'box', scale: 1 },
    wstar: new Array<number>(landscape.dim).fill(0),
    sampler: 'mala',
    eps: 1e-3,
    walkers: perGroup * groupNbeta.length,
    groupNbeta,
    groupEps: groupNbeta.map((nb) => Math.min(0.1, 0.5 / nb)),
    seed: opts.seed ?? 1,
    exchangeEvery: opts.exchangeEvery ?? 0,
    stepsPerDispatch: opts.stepsPerDispatch,
  });
  engines.push(e);
  return e;
}

describe.skipIf(noGpu)('replica exchange between walker groups', () => {
  afterEach(() => {
    for (const e of engines.splice(0)) e.destroy();
  });

  // The failure: phase-transition landscape (ΔL = 0.01), Bayes posterior (β = 1), one group
  // per n, walkers drawn from the prior. Without exchange the groups above the crossover (n ≈ 10³,
  // where the regular dip holds all the mass) keep most walkers in the valley they started in; with
  // swaps every 16 steps they reach the dip through the hot groups. Each group must match quadrature
  // in λ̂ (5 SE, the SE over the group's walkers: walker k of a group interacts only with walker k of
  // the others, so the group's walkers stay independent) and in the final mass near the origin
  // (5 binomial SE), on both sides of the crossover.
  it('matches quadrature at every n of the phase-transition sweep, on both sides of the crossover', async () => {
    const landscape = findLandscape('phase-transition')!;
    const ns = [30, 100, 316, 1000, 3162];
    const e = await groups(landscape, [0.01], ns, 192, { seed: 5, exchangeEvery: 16 });
    const r = await runGroups(e, { steps: 800, burnin: 1200, init: 'prior', tuneStep: true, radius: 0.1 });
    r.groups.forEach((g, j) => {
      const exact = exactExpectations2D(
        { ...e.settings, n: ns[j], beta: 1 },
        { center: [0, 0], radius: 0.1 },
      );
      const lambda = certainly(exact, 'nbetaLoss');
      const mass = certainly(exact, 'massNear');
      expect(Math.abs(g.lambdaHat - lambda), `λ̂ at n = ${ns[j]}`).toBeLessThan(5 * g.lambdaHatSe);
      const massSe = Math.sqrt(Math.max(mass * (1 - mass), 1 / g.walkers) / g.walkers);
      expect(Math.abs(g.massNear - mass), `mass at n = ${ns[j]}`).toBeLessThan(5 * massSe);
    });
    // Above the crossover nearly every walker is at the regular point (exact 1.0 at n = 3162).
    expect(r.groups[4].massNear).toBeGreaterThan(0.97);
    // One swap rate per neighbour pair, each strictly between 0 and 1: swaps happen and are not free.
    expect(r.exchange).toHaveLength(ns.length - 1);
    for (const p of r.exchange) {
      expect(p.attempts).toBeGreaterThan(0);
      expect(p.rate).toBeGreaterThan(0.05);
      expect(p.rate).toBeLessThan(0.99);
    }
  });

  // The crossing w1²w2² with groups given out of n·β order and an unequal last group (walkers not a
  // multiple of the group count): neighbours are found by sorting, and the extra walkers of the last
  // group simply sit out. Swaps every step stress the kernel; every group still matches quadrature.
  it('samples each group exactly with unsorted groups, an unequal last group and swaps every step', async () => {
    const landscape = findLandscape('crossing')!;
    const ns = [10000, 100, 1000];
    const nbeta = sweepNbeta(ns);
    const e = await WalkerEngine.create(device!, {
      landscape,
      params: [1, 1],
      n: 1000,
      beta: 1,
      gamma: 0,
      prior: { kind: 'box', scale: 1 },
      wstar: [0, 0],
      sampler: 'mala',
      eps: 1e-3,
      walkers: 718,
      groupNbeta: nbeta,
      groupEps: nbeta.map((nb) => Math.min(0.1, 0.5 / nb)),
      seed: 9,
      exchangeEvery: 1,
    });
    engines.push(e);
    const last = e.groupRange(2).count;
    expect(last).toBeLessThan(e.groupRange(0).count);
    const r = await runGroups(e, { steps: 400, burnin: 400, init: 'prior', tuneStep: true });
    r.groups.forEach((g, j) => {
      const exact = certainly(
        exactExpectations2D({ ...e.settings, n: ns[j], beta: 1 / Math.log(ns[j]) }),
        'nbetaLoss',
      );
      expect(Math.abs(g.lambdaHat - exact), `n = ${ns[j]}`).toBeLessThan(5 * g.lambdaHatSe);
    });
    // Pairs in nβ order: (n = 100, 1000), then (1000, 10000).
    expect(r.exchange.map((p) => p.nbetaLo)).toEqual([nbeta[1], nbeta[2]]);
    // Rank pair 0 swaps after the even steps: 200 of the 400 sampling steps, `last` walkers each.
    expect(r.exchange[0].attempts).toBe(200 * last);
  });

  it('gives the same walkers bit for bit however the steps are split, and reproduces a seed', async () => {
    const landscape = findLandscape('phase-transition')!;
    const run = async (splits: number[], seed: number) => {
      const e = await groups(landscape, [0.01], [30, 300, 3000], 64, { seed, exchangeEvery: 7 });
      e.reset('prior');
      for (const k of splits) await e.run(k);
      const out = await e.readPositions();
      e.destroy();
      return Array.from(out);
    };
    const whole = await run([200], 3);
    expect(await run([13, 100, 87], 3)).toEqual(whole);
    expect(await run([200], 4)).not.toEqual(whole);
  });

  // A single-temperature run at n = 10⁶ (nβ = 7.2·10⁴) from the prior: walkers drawn far out along the
  // crossing's arms equilibrate slowly (issue 11 item 3); K hotter groups that only exchange with it
  // bring the target group to the exact finite-n λ̂ (quadrature 0.42397), within 5 of its SEs.
  it('llc --hot-ladder reports only the target group, at its exact value', async () => {
    const r = await cli(
      'llc',
      '--landscape',
      'crossing',
      '--n',
      '1000000',
      '--hot-ladder',
      '4',
      '--walkers',
      '128',
      '--steps',
      '1000',
      '--burnin',
      '1000',
      '--init',
      'prior',
      '--json',
      '--quiet',
    );
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    const exact = certainly(
      exactExpectations2D({
        landscape: findLandscape('crossing')!,
        params: [1, 1],
        n: 1e6,
        beta: 1 / Math.log(1e6),
        gamma: 0,
        prior: { kind: 'box', scale: 1 },
        wstar: [0, 0],
      }),
      'nbetaLoss',
    );
    expect(Math.abs(o.lambda_hat - exact)).toBeLessThan(5 * o.lambda_hat_se);
    expect(o.walkers).toBe(128);
    expect(o.hot_ladder).toHaveLength(4);
    for (const p of o.hot_ladder) expect(p.swap_acceptance).toBeGreaterThan(0.05);
  });

  it('refuses exchange between groups that hold different datasets', async () => {
    const landscape = polynomialSlotsLandscape(
      [1, 1, 0, 0, 0],
      [
        [{ x: 1, y: 1 }],
        [
          { x: 1, y: 1 },
          { x: 2, y: 0 },
        ],
      ],
    );
    await expect(groups(landscape, [1], [10, 20], 8, { exchangeEvery: 4 })).rejects.toThrow(/same data/);
  });

  // Deterministic, not timing-based: the engine counts submits queued since the last completed fence.
  // 3000 steps at one step per dispatch with a swap after every step queue 6000 submits; advance()
  // alone would hold all of them, run() never more than MAX_SUBMITS_AHEAD.
  it('keeps a long run at most MAX_SUBMITS_AHEAD submits ahead and reports completed steps', async () => {
    const landscape = findLandscape('bowl')!;
    const e = await groups(landscape, [], [10, 20], 8, { exchangeEvery: 1, stepsPerDispatch: 1 });
    e.reset('wstar');
    const seen: number[] = [];
    await e.run(3000, (d) => seen.push(d));
    expect(e.step).toBe(3000);
    expect(e.maxSubmitsAhead).toBeLessThanOrEqual(MAX_SUBMITS_AHEAD);
    expect(seen.at(-1)).toBe(3000);
    expect(seen.every((x, i) => i === 0 || x >= seen[i - 1])).toBe(true);
    expect(seen.length).toBeGreaterThan(300);
    // The same steps through advance() pile up in the queue: the bound above is a real one.
    const f = await groups(landscape, [], [10, 20], 8, { exchangeEvery: 1, stepsPerDispatch: 1 });
    f.reset('wstar');
    f.advance(1000);
    expect(f.maxSubmitsAhead).toBeGreaterThan(1000);
    await f.readStats();
    // The RNG's step counter is 32 bits: a run past 2^32 steps is refused, not wrapped.
    expect(() => f.advance(2 ** 32)).toThrow(/2\^32/);
  });
});
