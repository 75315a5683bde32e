/**
 * The side panel's live analysis: λ̂ over steps with a ±2 SE band and the exact λ where the landscape
 * knows it, the loss trace (mean ± one walker s.d., with L(w*) below which the mean must never dip),
 * MALA acceptance as the sampler's health (devinterp's diagnostics), WBIC and a free-energy readout;
 * and the "concentration vs n" chart fed by the ConcentrationSweep.
 */

import { negativeLambdaWarning, wstarWarnings } from '../../../core/landscapes/wstar-check';
import { BURN_IN_POLICY, malaTargetFor } from '../../../core/measures/burnin';
import type { Derived } from '../../../scene/derive';
import type { SceneState } from '../../../scene/schema';
import { LineChart, type Series } from './line-chart';

export interface LlcSample {
  readonly step: number;
  readonly lambdaHat: number;
  readonly lambdaSe: number;
  readonly meanLoss: number;
  readonly sdLoss: number;
  readonly lossAtWstar: number;
  readonly acceptance: number;
  /** Why this reading is not a result (the walkers have not mixed), or null (diagnostics.ts). */
  readonly mixing?: string | null;
  /** Why the walkers are still burning in (live-stats.ts warmupNote), or null once past it. */
  readonly warmup?: string | null;
}

export interface ConcentrationTarget {
  readonly label: string;
  readonly color: string;
  /** Measured mass fraction per n (NaN before the first reading) and its standard error. */
  readonly measured: readonly number[];
  readonly measuredSe: readonly number[];
  /** Exact mass fraction per n by quadrature (NaN where not yet computed), or null for d > 2. */
  readonly exact: readonly number[] | null;
}

export interface ConcentrationView {
  readonly ns: readonly number[];
  readonly radius: number;
  readonly targets: readonly ConcentrationTarget[];
  /** The scene's own n (the n slider). */
  readonly currentN: number;
  /** The exact mass at the current n for the first target, when known. */
  readonly exactAtN: number | null;
  /** Predicted crossover n (phase transition), or null. */
  readonly crossover: number | null;
  /** Steps each group has taken, and the steps of burn-in before readings count. */
  readonly steps: number;
  readonly burnin: number;
  readonly note: string;
}

/** Samples kept for the charts (oldest dropped). */
const HISTORY = 400;

const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const sci = (x: number): string =>
  !Number.isFinite(x)
    ? '—'
    : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0)
      ? x.toExponential(2)
      : num(x, 3);

/** Mean and a batch-means standard error (5 batches) of a series. */
export function batchMean(values: readonly number[], batches = 5): { mean: number; se: number } {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return { mean: Number.NaN, se: Number.NaN };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2 * batches) return { mean, se: Number.NaN };
  const size = Math.floor(v.length / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    const part = v.slice(b * size, (b + 1) * size);
    means.push(part.reduce((a, c) => a + c, 0) / part.length);
  }
  const mm = means.reduce((a, b) => a + b, 0) / batches;
  const varB = means.reduce((a, b) => a + (b - mm) ** 2, 0) / (batches - 1);
  return { mean, se: Math.sqrt(varB / batches) };
}

export class AnalysisPanel {
  /** The w*-is-not-a-minimum check, once per (landscape, w*, nβ, prior): it probes the loss many times. */
  private wstarCheck = { key: '', warnings: [] as string[] };

  private wstarWarningsFor(d: Derived, s: SceneState): string[] {
    const key = JSON.stringify([d.key, d.wstar, d.nbeta, s.prior, s.R]);
    if (this.wstarCheck.key !== key) {
      const warnings = wstarWarnings({
        landscape: d.landscape,
        params: d.params,
        wstar: d.wstar,
        n: d.nbeta,
        beta: 1,
        prior: { kind: s.prior, scale: s.R },
      });
      this.wstarCheck = { key, warnings };
    }
    return this.wstarCheck.warnings;
  }

  readonly root: HTMLElement;
  private readonly llcBox: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly lambdaChart: LineChart;
  private readonly lossChart: LineChart;
  private readonly accChart: LineChart;
  private readonly concBox: HTMLElement;
  private readonly concChart: LineChart;
  private readonly concReadout: HTMLElement;
  private samples: LlcSample[] = [];
  private dirty = false;
  private lastDraw = 0;
  /** Readouts tests can read: the running λ̂ mean over the second half and its batch-means SE. */
  /** The concentration view last drawn (null while the sweep is off). */
  lastConcentration: ConcentrationView | null = null;
  readonly summary = {
    lambdaMean: Number.NaN,
    lambdaMeanSe: Number.NaN,
    exactLambda: Number.NaN,
    samples: 0,
  };

  constructor(parent: HTMLElement) {
    this.root = document.createElement('section');
    this.root.className = 'analysis';
    this.root.id = 'analysis';
    this.llcBox = document.createElement('div');
    this.llcBox.className = 'llc-live';
    this.readout = document.createElement('div');
    this.readout.className = 'caption readout';
    this.readout.id = 'llc-readout';
    this.llcBox.append(this.readout);
    this.lambdaChart = new LineChart(this.llcBox, {
      title: 'λ̂ = nβ(E[L] − L(w*)) over steps',
      xLabel: 'step',
      yInclude: [0],
    });
    this.lambdaChart.canvas.id = 'chart-lambda';
    this.lossChart = new LineChart(this.llcBox, {
      title: 'loss trace: mean ± s.d. over walkers',
      xLabel: 'step',
      height: 96,
    });
    this.lossChart.canvas.id = 'chart-loss';
    this.accChart = new LineChart(this.llcBox, {
      title: `MALA acceptance (tuned toward ${BURN_IN_POLICY.malaTargetLowDim} in ≤ ${BURN_IN_POLICY.malaLowDimMax}-D, ${BURN_IN_POLICY.malaTarget} above; healthy ${BURN_IN_POLICY.malaHealthy.join('–')})`,
      xLabel: 'step',
      yRange: [0, 1.02],
      height: 80,
    });
    this.accChart.canvas.id = 'chart-acceptance';
    this.concBox = document.createElement('div');
    this.concBox.className = 'concentration';
    this.concChart = new LineChart(this.concBox, {
      title: 'mass within r of the point vs n',
      xLabel: 'n',
      logX: true,
      yInclude: [0],
      height: 170,
    });
    this.concChart.canvas.id = 'chart-concentration';
    this.concReadout = document.createElement('div');
    this.concReadout.className = 'caption readout';
    this.concReadout.id = 'concentration-readout';
    this.concBox.append(this.concReadout);
    this.concBox.hidden = true;
    this.root.append(this.llcBox, this.concBox);
    parent.append(this.root);
  }

  set visible(on: boolean) {
    if (this.root.hidden === !on) return;
    this.root.hidden = !on;
  }

  /** Forgets the history (a new engine, new settings or a reset). */
  resetLlc(): void {
    this.samples = [];
    this.dirty = true;
  }

  pushLlc(sample: LlcSample): void {
    if (!Number.isFinite(sample.lambdaHat)) return;
    this.samples.push(sample);
    if (this.samples.length > HISTORY) this.samples.splice(0, this.samples.length - HISTORY);
    this.dirty = true;
  }

  /** Redraws the LLC charts at most 4× a second, or now when `force` (a capture frame). */
  drawLlc(s: SceneState, d: Derived, force = false): void {
    this.llcBox.hidden = !s.charts;
    const now = performance.now();
    if (!s.charts || (!force && (!this.dirty || now - this.lastDraw < 250))) return;
    this.lastDraw = now;
    this.dirty = false;
    const xs = this.samples.map((p) => p.step);
    const lam = this.samples.map((p) => p.lambdaHat);
    const se = this.samples.map((p) => p.lambdaSe);
    const exact = d.landscape.exact(d.params);
    // The running estimate: the second half of the history (the first half counts as burn-in).
    const half = this.samples.slice(Math.floor(this.samples.length / 2));
    const run = batchMean(half.map((p) => p.lambdaHat));
    this.summary.lambdaMean = run.mean;
    this.summary.lambdaMeanSe = run.se;
    this.summary.exactLambda = exact?.lambda ?? Number.NaN;
    this.summary.samples = this.samples.length;
    const series: Series[] = [
      {
        kind: 'band',
        x: xs,
        lo: lam.map((v, i) => v - 2 * se[i]),
        hi: lam.map((v, i) => v + 2 * se[i]),
        color: 'rgba(255,122,69,0.25)',
        label: '±2 SE',
      },
      { kind: 'line', x: xs, y: lam, color: '#ff7a45', label: 'λ̂' },
    ];
    if (half.length > 1 && Number.isFinite(run.mean)) {
      series.push({
        kind: 'line',
        x: [half[0].step, half[half.length - 1].step],
        y: [run.mean, run.mean],
        color: '#7fd1ff',
        width: 1,
        label: 'running mean',
      });
    }
    if (exact)
      series.push({
        kind: 'hline',
        value: exact.lambda,
        color: '#e8ecf4',
        label: `exact λ = ${num(exact.lambda, 3)}`,
      });
    this.lambdaChart.draw(series);

    const mean = this.samples.map((p) => p.meanLoss);
    const sd = this.samples.map((p) => p.sdLoss);
    const l0 = this.samples.at(-1)?.lossAtWstar ?? Number.NaN;
    this.lossChart.draw([
      {
        kind: 'band',
        x: xs,
        lo: mean.map((v, i) => v - sd[i]),
        hi: mean.map((v, i) => v + sd[i]),
        color: 'rgba(127,209,255,0.2)',
        label: '± s.d.',
      },
      { kind: 'line', x: xs, y: mean, color: '#7fd1ff', label: 'E[L]' },
      { kind: 'hline', value: l0, color: '#5ad1a0', label: 'L(w*)' },
    ]);
    const acc = this.samples.map((p) => p.acceptance);
    this.accChart.canvas.hidden = s.sampler !== 'mala';
    if (s.sampler === 'mala') {
      this.accChart.draw([
        {
          kind: 'hline',
          value: malaTargetFor(d.landscape.dim),
          color: '#5ad1a0',
          label: String(malaTargetFor(d.landscape.dim)),
        },
        { kind: 'line', x: xs, y: acc, color: '#f2c14e', label: 'acceptance' },
      ]);
    }

    const last = this.samples.at(-1);
    const lines: string[] = [];
    // An unmixed reading, now or in the running mean's window, is flagged, never shown as a result.
    // So is one taken while the walkers still burn in (its running mean holds the transient).
    const mixing = last?.mixing ?? half.find((p) => p.mixing)?.mixing ?? null;
    const warming =
      last?.warmup ?? (half.some((p) => p.warmup) ? 'the running mean still holds burn-in steps' : null);
    const unmixed = mixing ? `not mixed: ${mixing}` : warming;
    if (unmixed) this.readout.dataset.flag = mixing ? 'unmixed' : 'burn-in';
    else delete this.readout.dataset.flag;
    lines.push(
      unmixed
        ? `⚠ ${unmixed} — λ̂ (${num(last?.lambdaHat ?? Number.NaN)} now, running ${num(run.mean)}) is not a result yet` +
            `${exact ? ` · exact λ = ${num(exact.lambda)}, m = ${exact.m}` : ''}`
        : `λ̂ = ${num(last?.lambdaHat ?? Number.NaN)} ± ${num(last?.lambdaSe ?? Number.NaN)} now; ` +
            `running ${num(run.mean)} ± ${num(run.se)}${exact ? ` · exact λ = ${num(exact.lambda)}, m = ${exact.m}` : ' · exact λ unknown here'}`,
    );
    const n = s.n;
    if (last) {
      const dipped = this.samples.some(
        (p) => p.meanLoss < p.lossAtWstar - 1e-7 * Math.max(1, Math.abs(p.lossAtWstar)),
      );
      lines.push(
        s.betaAuto
          ? `WBIC = n·E_β[L] = ${sci(n * last.meanLoss)} (β = 1/log n)`
          : `WBIC needs β = 1/log n (β is ${num(d.beta, 4)} now)`,
      );
      const fHat = n * last.lossAtWstar + run.mean * Math.log(n);
      const fExact = exact
        ? n * last.lossAtWstar + exact.lambda * Math.log(n) - (exact.m - 1) * Math.log(Math.log(n))
        : Number.NaN;
      lines.push(
        `free energy F ≈ nL(w*) + λ̂·log n = ${sci(fHat)}${exact ? ` · theory nL(w*) + λ log n − (m−1) log log n = ${sci(fExact)}` : ''}`,
      );
      lines.push(
        dipped
          ? '⚠ the mean loss dipped below L(w*): w* is not a local minimum, or the walkers found a lower basin'
          : 'trace health: mean loss stays above L(w*)',
      );
      // λ̂ means a learning coefficient only at a local minimum (src/core/landscapes/wstar-check.ts).
      const notMin = [
        ...this.wstarWarningsFor(d, s),
        ...[negativeLambdaWarning(run.mean, run.se)].filter((x) => x !== null),
      ];
      for (const w of notMin) lines.push(`⚠ ${w}`);
    }
    this.readout.replaceChildren(
      ...lines.map((t) => {
        const div = document.createElement('div');
        div.textContent = t;
        return div;
      }),
    );
  }

  /** Shows or hides the concentration chart; draws it when given a view. */
  drawConcentration(v: ConcentrationView | null): void {
    this.lastConcentration = v;
    this.concBox.hidden = v === null;
    if (!v) return;
    const series: Series[] = [];
    for (const t of v.targets) {
      if (t.exact)
        series.push({
          kind: 'line',
          x: v.ns,
          y: t.exact,
          color: t.color,
          label: `${t.label} exact`,
          dash: [5, 3],
        });
      series.push({
        kind: 'points',
        x: v.ns,
        y: t.measured,
        err: t.measuredSe.map((e) => 2 * e),
        color: t.color,
        label: `${t.label} walkers`,
      });
    }
    series.push({ kind: 'vline', value: v.currentN, color: '#ff7a45', label: 'n', dash: [2, 2] });
    if (v.exactAtN !== null)
      series.push({ kind: 'points', x: [v.currentN], y: [v.exactAtN], color: '#ff7a45', radius: 4 });
    if (v.crossover !== null)
      series.push({ kind: 'vline', value: v.crossover, color: '#e8ecf4', label: 'predicted crossover' });
    this.concChart.draw(series);
    const lines = [
      `r = ${num(v.radius, 3)}; ${v.steps < v.burnin ? `burn-in ${v.steps}/${v.burnin} steps` : `${v.steps} steps per group`}; error bars ±2 SE`,
    ];
    if (v.exactAtN !== null) lines.push(`exact mass at n = ${sci(v.currentN)}: ${num(v.exactAtN, 3)}`);
    if (v.crossover !== null) lines.push(`predicted crossover n·ΔL = ½·log n at n ≈ ${sci(v.crossover)}`);
    if (v.note) lines.push(v.note);
    this.concReadout.replaceChildren(
      ...lines.map((t) => {
        const div = document.createElement('div');
        div.textContent = t;
        return div;
      }),
    );
  }
}
