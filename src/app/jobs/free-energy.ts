/**
 * Analysis → "free energy vs n": WBIC = n·E_β[L_n] at β = 1/log n, measured by one walker group per n
 * on the concentration sweep's n grid (10 … 10⁶, all n in the same dispatches), charted against the
 * asymptotic free energy nL_n(w*) + λ·log n − (m − 1)·log log n where the landscape knows λ and m.
 * For the phase-transition landscape the valley's branch n·ΔL + ½·log n is drawn too: the measured
 * WBIC follows the valley and then drops onto the regular branch where the (tempered) posterior
 * switches basins.
 */

import { predictedCrossover } from '../../core/landscapes/landscapes';
import { sweepNbeta } from '../../core/measures/ladder';
import type { Derived } from '../../scene/derive';
import { scenePosterior } from '../../scene/posterior';
import type { SceneState } from '../../scene/schema';
import { ChartBox } from '../view/charts/chart-box';
import type { Series } from '../view/charts/line-chart';
import { SWEEP_NS } from './concentration-sweep';
import type { GroupAnalysisDef, GroupRunStatus } from './group-analysis';

export const FREE_ENERGY_BURNIN = 1000;
export const FREE_ENERGY_STEPS = 1000;

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const sci = (x: number) => (!Number.isFinite(x) ? '—' : Math.abs(x) >= 1e4 ? x.toExponential(2) : fmt(x, 2));

/** The asymptotic free energy nL(w*) + λ·log n − (m − 1)·log log n. */
export function asymptoticFreeEnergy(n: number, lossAtWstar: number, lambda: number, m: number): number {
  return n * lossAtWstar + lambda * Math.log(n) - (m - 1) * Math.log(Math.log(n));
}

/**
 * The n at which the tempered posterior (β = 1/log n) of the phase-transition landscape switches
 * basins: n·β = n/log n reaches the Bayes crossover n·ΔL = ½·log n (fixed-point iteration).
 */
export function temperedCrossover(deltaLoss: number): number {
  const nbeta = predictedCrossover(deltaLoss);
  let n = nbeta * Math.log(nbeta);
  for (let i = 0; i < 100; i++) n = nbeta * Math.log(n);
  return n;
}

/** The analysis, drawing into a new chart box at the end of `parent` (the analysis panel). */
export function freeEnergyAnalysis(parent: HTMLElement): GroupAnalysisDef {
  const box = new ChartBox(parent, 'free-energy', {
    title: 'free energy: WBIC n·E_β[L_n] vs n',
    xLabel: 'n',
    logX: true,
    height: 170,
  });
  return {
    enabled: (s) => s.freeEnergy,
    key: (s, d) => JSON.stringify([d.key, d.params, s.gamma, s.prior, s.R, d.wstar, s.seed]),
    spec: (s, d, software) => ({
      label: 'free energy vs n',
      // β = 1/log n per group whatever the scene's β: WBIC is defined at that temperature.
      posterior: scenePosterior(s, d),
      groupNbeta: sweepNbeta(SWEEP_NS),
      walkersPerGroup: software ? 256 : 4096,
      burnin: FREE_ENERGY_BURNIN,
      steps: FREE_ENERGY_STEPS,
      seed: s.seed + 15485863,
      // From w*: at large n a walker drawn from the prior into a flat valley (phase transition)
      // would need ~1/ε steps to diffuse out of it, while walkers at w* spread into the valley
      // quickly at the small n where it holds the mass.
      init: 'wstar',
    }),
    viewKey: (s) => String(s.n),
    show: (status, s, d) => box.show(status ? freeEnergyView(status, s, d) : null),
  };
}

function freeEnergyView(
  status: GroupRunStatus,
  s: SceneState,
  d: Derived,
): { series: Series[]; lines: string[] } {
  const exact = d.landscape.exact(d.params);
  const ns = SWEEP_NS;
  const dense = Array.from({ length: 80 }, (_, i) => ns[0] * (ns.at(-1)! / ns[0]) ** (i / 79));
  const series: Series[] = [];
  const lines: string[] = [status.progress];
  const phase = d.landscape.id === 'phase-transition';
  const dl = d.params[0] ?? 0.01;
  if (status.phase === 'done') {
    const l0 = status.lossAtWstar;
    if (exact) {
      series.push({
        kind: 'line',
        x: dense,
        y: dense.map((n) => asymptoticFreeEnergy(n, l0, exact.lambda, exact.m)),
        color: '#e8ecf4',
        label: `nL(w*) + ${fmt(exact.lambda, 2)} log n${exact.m > 1 ? ` − ${exact.m - 1} log log n` : ''}`,
        dash: [5, 3],
      });
    }
    const g = status.groups;
    const wbic = g.map((r, j) => ns[j] * r.meanLoss);
    // SE of n·E[L]: n/(nβ) times the SE of nβ·E[L − L(w*)].
    const wbicSe = g.map((r, j) => (ns[j] * r.lambdaHatSe) / r.nbeta);
    if (phase) {
      // Only where the valley branch stays on the scale of the measurements (it grows like n·ΔL).
      const cap = 1.5 * Math.max(...wbic.filter(Number.isFinite), Math.log(ns.at(-1)!));
      const xs = dense.filter((n) => n * dl + 0.5 * Math.log(n) <= cap);
      series.push({
        kind: 'line',
        x: xs,
        y: xs.map((n) => n * dl + 0.5 * Math.log(n)),
        color: '#f2c14e',
        label: 'valley n·ΔL + ½ log n',
        dash: [2, 3],
      });
      series.push({
        kind: 'vline',
        value: predictedCrossover(dl),
        color: '#e8ecf4',
        label: 'branches cross',
      });
    }
    series.push({
      kind: 'points',
      x: ns,
      y: wbic,
      err: wbicSe.map((e) => 2 * e),
      color: '#ff7a45',
      label: 'WBIC n·E_β[L], β = 1/log n',
    });
    series.push({ kind: 'vline', value: s.n, color: '#ff7a45', label: 'n', dash: [2, 2] });
    lines.push(
      exact
        ? `theory at n = ${sci(s.n)}: nL(w*) + λ log n − (m−1) log log n = ${sci(asymptoticFreeEnergy(s.n, l0, exact.lambda, exact.m))} (λ = ${fmt(exact.lambda)}, m = ${exact.m})`
        : 'exact λ, m unknown here: measured WBIC only',
    );
    // WBIC grows with n on one basin; a fall (beyond 3 SE) means the walkers' posterior moved to a
    // lower-loss basin.
    let peak = 0;
    for (let j = 1; j < wbic.length; j++) if (wbic[j] > wbic[peak]) peak = j;
    const after = wbic.slice(peak + 1);
    const low = peak + 1 + after.indexOf(Math.min(...after));
    if (after.length > 0 && wbic[peak] - wbic[low] > 3 * Math.hypot(wbicSe[peak], wbicSe[low])) {
      lines.push(
        `measured WBIC falls from ${sci(wbic[peak])} (n = ${sci(ns[peak])}) to ${sci(wbic[low])} (n = ${sci(ns[low])}): the posterior switched basins`,
      );
    }
  }
  if (phase) {
    lines.push(
      `branches cross at n·ΔL = ½·log n, n ≈ ${sci(predictedCrossover(dl))}; the walkers' tempered posterior (β = 1/log n) switches basins near n ≈ ${sci(temperedCrossover(dl))}`,
    );
  }
  lines.push('WBIC per n from one walker group each, β = 1/log n; error bars ±2 SE');
  return { series, lines };
}
