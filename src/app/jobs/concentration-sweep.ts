/**
 * Concentration vs n, live: one WalkerEngine per landscape shown, its walkers split into groups, each
 * group at its own n·β over a log grid of n (all n in the same dispatches, via groupNbeta), each with
 * its own step size. After burn-in the fraction of each group's walkers within r of the chosen point
 * is read back and averaged over readings. For 2-D landscapes the exact mass comes from quadrature,
 * computed a few n at a time between frames. When the scene is one of the two crossings, the other
 * crossing runs beside it: analytic w1²w2² versus non-analytic min(w1², w2²) on one chart.
 */

import { findLandscape, type Landscape, predictedCrossover } from '../../core/landscapes/landscapes';
import { exactExpectations2D } from '../../core/landscapes/quadrature';
import { initialStep } from '../../core/measures/burnin';
import { wbicBeta } from '../../core/posterior';
import { exchangeEveryFor, WalkerEngine } from '../../core/walkers/walker-engine';
import type { Derived } from '../../scene/derive';
import type { SceneState } from '../../scene/schema';
import type { AnalysisPanel } from '../view/charts/analysis-panel';

/**
 * Relative tolerance of the exact (quadrature) values the chart and readout show to 3 digits: 1e-3
 * exhausts the oracle's budget near the phase-transition crossover (n ≈ 300), where it then refuses.
 */
const EXACT_TOL = 3e-3;

/** The n grid: half-decades from 10 to 10⁶. */
export const SWEEP_NS: readonly number[] = Array.from({ length: 11 }, (_, k) => 10 ** (1 + 0.5 * k));

/** Steps before readings count. */
export const SWEEP_BURNIN = 300;

const COLORS = ['#ff7a45', '#7fd1ff'];

interface Target {
  readonly label: string;
  readonly landscape: Landscape;
  readonly params: readonly number[];
  readonly center: readonly number[];
  readonly wstar: readonly number[];
  engine: WalkerEngine | null;
  sum: number[];
  readings: number;
  last: number[];
  lastSe: number[];
  exact: number[] | null;
  /** Per n: the quadrature has run (its value may still be NaN: not certified, see `refused`). */
  exactDone: boolean[];
  refused: string;
}

/** The ball radius: the field if set, √ΔL for the phase transition (its basin), else 0.1·R. */
export function sweepRadius(s: SceneState, d: Derived): number {
  if (s.sweepR > 0) return s.sweepR;
  if (d.landscape.id === 'phase-transition') return Math.sqrt(d.params[0] ?? 0.01);
  return 0.1 * s.R;
}

export class ConcentrationSweep {
  private key = '';
  private targets: Target[] = [];
  private building = false;
  private reading = false;
  private frames = 0;
  private exactAtN: { key: string; value: number | null } = { key: '', value: null };
  private destroyed = false;
  private note = '';

  constructor(
    private readonly device: GPUDevice,
    private readonly panel: AnalysisPanel,
    private readonly software: boolean,
  ) {}

  private keyOf(s: SceneState, d: Derived): string {
    return JSON.stringify([
      d.key,
      d.params,
      s.prior,
      s.R,
      s.gamma,
      s.betaAuto,
      s.betaAuto ? 0 : s.beta,
      s.sampler,
      s.seed,
      sweepRadius(s, d),
      d.singularPoint,
    ]);
  }

  private betaOf(s: SceneState, n: number): number {
    return s.betaAuto ? wbicBeta(n) : s.beta;
  }

  /** Called every animation frame; `step` false draws without advancing (capture frames). */
  frame(s: SceneState, d: Derived, step = true): void {
    if (this.destroyed) return;
    if (!s.sweep) {
      if (this.targets.length > 0 || this.key !== '') this.clear();
      this.panel.drawConcentration(null);
      return;
    }
    const key = this.keyOf(s, d);
    if (key !== this.key && !this.building) void this.rebuild(s, d, key);
    if (this.building || this.targets.length === 0) return;
    const steps = Math.max(1, Math.min(s.steps, 32));
    if (!step) {
      this.draw(s, d, true);
      return;
    }
    if (s.running) for (const t of this.targets) t.engine?.advance(steps);
    this.frames++;
    if (!this.reading && this.frames % 4 === 0) void this.read(this.targets);
    this.stepExact(s);
    this.draw(s, d, false);
  }

  private clear(): void {
    for (const t of this.targets) t.engine?.destroy();
    this.targets = [];
    this.key = '';
  }

  private async rebuild(s: SceneState, d: Derived, key: string): Promise<void> {
    this.building = true;
    this.clear();
    this.key = key;
    this.lastRadius = sweepRadius(s, d);
    try {
      const partner =
        d.landscape.id === 'crossing'
          ? 'min-crossing'
          : d.landscape.id === 'min-crossing'
            ? 'crossing'
            : null;
      const specs: { label: string; landscape: Landscape; params: readonly number[] }[] = [
        {
          label: d.landscape.id === 'formula' ? 'formula' : d.landscape.id,
          landscape: d.landscape,
          params: d.params,
        },
      ];
      const other = partner ? findLandscape(partner) : undefined;
      if (other) specs.push({ label: other.id, landscape: other, params: other.params.map(() => 1) });
      const perGroup = this.software ? 256 : 4096;
      const groupNbeta = SWEEP_NS.map((n) => n * this.betaOf(s, n));
      const prior = { kind: s.prior, scale: s.R } as const;
      const groupEps = groupNbeta.map((nb) => initialStep({ n: nb, beta: 1, prior }));
      const targets: Target[] = [];
      for (const spec of specs) {
        const wstar =
          spec.landscape === d.landscape ? d.wstar : new Array<number>(spec.landscape.dim).fill(0);
        const center =
          spec.landscape === d.landscape ? d.singularPoint : new Array<number>(spec.landscape.dim).fill(0);
        const engine = await WalkerEngine.create(this.device, {
          landscape: spec.landscape,
          params: spec.params,
          n: SWEEP_NS[0],
          beta: this.betaOf(s, SWEEP_NS[0]),
          gamma: s.gamma,
          prior,
          wstar,
          sampler: s.sampler,
          eps: groupEps[0],
          seed: s.seed + 7919,
          walkers: perGroup * SWEEP_NS.length,
          groupNbeta,
          groupEps,
          // Replica exchange between neighbouring n: at large n walkers drawn into a valley reach the
          // dominant basin through the hot groups (phase transition; without it they stay).
          exchangeEvery: exchangeEveryFor(spec.landscape, groupNbeta.length),
        });
        engine.reset('prior');
        const nanArr = () => SWEEP_NS.map(() => Number.NaN);
        targets.push({
          label: spec.label,
          landscape: spec.landscape,
          params: spec.params,
          center,
          wstar,
          engine,
          sum: SWEEP_NS.map(() => 0),
          readings: 0,
          last: nanArr(),
          lastSe: nanArr(),
          exact: spec.landscape.dim === 2 ? nanArr() : null,
          exactDone: SWEEP_NS.map(() => false),
          refused: '',
        });
      }
      if (this.destroyed || this.key !== key) {
        for (const t of targets) t.engine?.destroy();
        return;
      }
      this.targets = targets;
      this.frames = 0;
      this.note =
        d.landscape.dim === 2 ? '' : `d = ${d.landscape.dim}: no exact curve (quadrature is 2-D only)`;
    } catch (e) {
      this.note = `sweep failed: ${(e as Error).message}`;
    } finally {
      this.building = false;
    }
  }

  /**
   * One readback of all positions per landscape (a few tens of KiB), binned by group on the CPU: one
   * GPU round trip instead of one reduction per group.
   */
  private async read(targets: readonly Target[]): Promise<void> {
    this.reading = true;
    const r2 = this.lastRadius ** 2;
    try {
      for (const t of targets) {
        const engine = t.engine;
        if (!engine || engine.step < SWEEP_BURNIN) continue;
        const pos = await engine.readPositions();
        if (t.engine !== engine) continue;
        const d = engine.dim;
        t.readings++;
        for (let g = 0; g < engine.groups; g++) {
          const { first, count } = engine.groupRange(g);
          let near = 0;
          for (let i = first; i < first + count; i++) {
            let q = 0;
            for (let k = 0; k < d; k++) q += (pos[i * d + k] - (t.center[k] ?? 0)) ** 2;
            if (q < r2) near++;
          }
          const p = near / count;
          t.sum[g] += p;
          t.last[g] = t.sum[g] / t.readings;
          // One reading's binomial SE: conservative, since later readings are correlated with it.
          t.lastSe[g] = Math.sqrt(Math.max(p * (1 - p), 1 / count) / count);
        }
      }
    } catch {
      // An engine was replaced or destroyed mid-read: the next frame reads again.
    } finally {
      this.reading = false;
    }
  }

  private lastRadius = 0.1;
  private lastDraw = 0;

  /** A few quadratures per frame (each ≈ 5–100 ms of CPU). */
  private stepExact(s: SceneState): void {
    const t0 = performance.now();
    for (const t of this.targets) {
      if (!t.exact) continue;
      for (let i = 0; i < SWEEP_NS.length; i++) {
        if (t.exactDone[i]) continue;
        const n = SWEEP_NS[i];
        const e = exactExpectations2D(
          {
            landscape: t.landscape,
            params: t.params,
            n,
            beta: this.betaOf(s, n),
            gamma: s.gamma,
            prior: { kind: s.prior, scale: s.R },
            wstar: t.wstar,
          },
          { center: t.center, radius: this.lastRadius, tol: EXACT_TOL },
        );
        t.exactDone[i] = true;
        // Not certified: no point on the exact curve, and the reason in the note.
        t.exact[i] = e.massNear ?? Number.NaN;
        if (e.massNear === null && !t.refused) {
          t.refused = `${t.label}: exact mass at n = ${n} not certified (${e.failure ?? 'unknown reason'})`;
          this.note = [this.note, t.refused].filter(Boolean).join(' · ');
        }
        if (performance.now() - t0 > 25) return;
      }
    }
  }

  /** Redraws the chart at most 4× a second (like the LLC charts), or now when `force` (a capture frame). */
  private draw(s: SceneState, d: Derived, force: boolean): void {
    this.lastRadius = sweepRadius(s, d);
    const now = performance.now();
    if (!force && now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const first = this.targets[0];
    let exactAtN: number | null = null;
    if (first?.exact) {
      const k = JSON.stringify([this.key, s.n]);
      if (this.exactAtN.key !== k) {
        this.exactAtN = {
          key: k,
          value: exactExpectations2D(
            {
              landscape: first.landscape,
              params: first.params,
              n: s.n,
              beta: this.betaOf(s, s.n),
              gamma: s.gamma,
              prior: { kind: s.prior, scale: s.R },
              wstar: first.wstar,
            },
            { center: first.center, radius: this.lastRadius, tol: EXACT_TOL },
          ).massNear,
        };
      }
      exactAtN = this.exactAtN.value;
    }
    const steps = first?.engine?.step ?? 0;
    this.panel.drawConcentration({
      ns: SWEEP_NS,
      radius: this.lastRadius,
      targets: this.targets.map((t, i) => ({
        label: t.label,
        color: COLORS[i % COLORS.length],
        measured: t.last,
        measuredSe: t.lastSe,
        exact: t.exact,
      })),
      currentN: s.n,
      exactAtN,
      crossover:
        d.landscape.id === 'phase-transition' && !s.betaAuto && s.beta === 1
          ? predictedCrossover(d.params[0] ?? 0.01)
          : null,
      steps,
      burnin: SWEEP_BURNIN,
      note: this.note,
    });
  }

  /** Measured and exact curves, for tests. */
  snapshot(): { label: string; measured: number[]; exact: number[] | null; readings: number }[] {
    return this.targets.map((t) => ({
      label: t.label,
      measured: [...t.last],
      exact: t.exact ? [...t.exact] : null,
      readings: t.readings,
    }));
  }

  destroy(): void {
    this.destroyed = true;
    this.clear();
  }
}
