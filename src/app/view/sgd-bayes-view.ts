/**
 * The SGD-vs-Bayes mode (issue 13): a panel over the 3-D stage fed by an SgdBayesStream. It shows the
 * progress of both sides (networks trained, converged and not; prior samples and accepted; rates and
 * ETA), P_SGD(f|S) against P_B(f|S) on log–log axes for every function either side has seen (the
 * diagonal, both sampling floors, the functions one side never saw drawn below its floor), the
 * correlation of log-probabilities over the shared ones, the test-error histograms of both, and the
 * top functions of each as truth-table images with K_LZ. Charts redraw when a new snapshot arrives.
 */

import type { FunctionRow } from '../../core/function-space/sgd-vs-bayes';
import { presets } from '../../scene/presets';
import type { SceneState } from '../../scene/schema';
import { type SgdBayesStats, SgdBayesStream } from '../jobs/sgd-bayes-stream';
import { correlationText, histogramCentres } from '../jobs/sgd-bayes-summary';
import { LineChart } from './charts/line-chart';
import { drawTruthTables, truthTableCaption } from './charts/truth-tables';
import { formatDuration, int, StagePanel } from './stage-panel';

const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '—');
/** Colours of the two sides (the e2e test counts these pixels). */
export const SGD_COLOUR = '#ff7a45';
export const BAYES_COLOUR = '#7fd1ff';
export const SHARED_COLOUR = '#ffd166';

const tableRows = (rows: readonly FunctionRow[]) =>
  rows.map((r) => ({ bits: r.bits, count: r.count, p: r.p, k: r.k_lz }));

export class SgdBayesView extends StagePanel<SgdBayesStats, SgdBayesStream> {
  private readonly configText: HTMLElement;
  private readonly card: HTMLElement;
  private readonly sgdFill: HTMLElement;
  private readonly bayesFill: HTMLElement;
  private readonly progressText: HTMLElement;
  private readonly corrText: HTMLElement;
  private readonly acceptText: HTMLElement;
  private readonly errorText: HTMLElement;
  private readonly scatterChart: LineChart;
  private readonly scatterCaption: HTMLElement;
  private readonly histChart: LineChart;
  private readonly histCaption: HTMLElement;
  private readonly topCanvas: { sgd: HTMLCanvasElement; bayes: HTMLCanvasElement };
  private readonly topCaption: { sgd: HTMLElement; bayes: HTMLElement };

  constructor(
    stage: HTMLElement,
    device: GPUDevice,
    software: boolean,
    notice: (text: string, kind: 'info' | 'warn' | 'error') => void,
  ) {
    super(stage, new SgdBayesStream(device, software, notice), {
      id: 'sgdview',
      label: 'SGD against the Bayes posterior in function space',
      prefix: 'sg',
      stageClass: 'sgd-on',
    });
    const el = this.el.bind(this);
    const fig = this.fig.bind(this);
    const head = el('header', 'sg-head', this.root);
    el('h2', 'sg-title', head).textContent = 'SGD vs Bayes: P_SGD(f | S) against P_B(f | S)';
    this.card = el('p', 'sg-card', head, 'sg-card');
    this.configText = el('div', 'sg-config', head, 'sg-config');
    const bars = el('div', 'sg-bars', head);
    this.sgdFill = el('div', 'sg-fill sg-fill-sgd', el('div', 'sg-bar', bars));
    this.bayesFill = el('div', 'sg-fill sg-fill-bayes', el('div', 'sg-bar', bars));
    this.progressText = el('div', 'sg-progress-text', head, 'sg-progress');
    this.corrText = el('div', 'sg-corr', head, 'sg-corr');
    this.acceptText = el('div', 'sg-warn', head, 'sg-accept');
    this.errorText = el('div', 'sg-error', head, 'sg-error');
    this.acceptText.hidden = true;
    this.errorText.hidden = true;

    const scatterFig = fig('sg-scatter');
    this.scatterChart = new LineChart(scatterFig, {
      title: 'log₁₀ P_B(f|S) against log₁₀ P_SGD(f|S)',
      xLabel: 'log₁₀ P_SGD',
    });
    this.scatterCaption = el('figcaption', 'sg-caption', scatterFig, 'sg-scatter-caption');
    const histFig = fig('sg-hist');
    this.histChart = new LineChart(histFig, {
      title: 'test error (share of each side)',
      xLabel: 'test error',
      yInclude: [0],
    });
    this.histCaption = el('figcaption', 'sg-caption', histFig, 'sg-hist-caption');
    const topFig = (side: 'sgd' | 'bayes', label: string) => {
      const f = fig(`sg-top-${side}`);
      el('div', 'sg-caption sg-top-title', f).textContent = label;
      const c = el('canvas', 'line-chart', f);
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', label);
      return { canvas: c, caption: el('figcaption', 'sg-caption', f) };
    };
    const ts = topFig('sgd', 'top functions of SGD (converged networks)');
    const tb = topFig('bayes', 'top functions of Bayes (accepted prior samples)');
    this.topCanvas = { sgd: ts.canvas, bayes: tb.canvas };
    this.topCaption = { sgd: ts.caption, bayes: tb.caption };
    this.fitCanvases([
      [this.scatterChart.canvas, 'sg-scatter'],
      [this.histChart.canvas, 'sg-hist'],
      [ts.canvas, 'sg-top-sgd'],
      [tb.canvas, 'sg-top-bayes'],
    ]);
    this.mount();
  }

  protected override on(s: SceneState): boolean {
    return s.sgd;
  }

  /** Offline capture: one frame's chunk (or none) and fresh tables; `frame` then draws them. */
  captureStep(s: SceneState, advance: boolean, fps: number): Promise<void> {
    return this.stream.captureStep(s, advance, fps);
  }

  protected override drawProgress(s: SceneState): void {
    // The preset card (#watch, written by main.ts) is hidden under this panel: an SGD preset's card is
    // repeated here (any other card there describes the paused walkers' landscape).
    const title = this.stage.querySelector('#watch h2')?.textContent ?? '';
    const card = presets.find((p) => p.state.sgd && p.title === title)?.watch ?? '';
    if (this.card.textContent !== card) this.card.textContent = card;
    const st = this.stream.stats;
    const c = this.stream.current;
    this.configText.textContent = c
      ? `${st.label} · batch ${c.train.optimizer === 'gd' ? 'full' : c.train.batch} · max ${int(c.train.maxEpochs)} epochs` +
        ` · |S| = ${st.trainSize} of ${2 ** c.net.inputs} points · seed ${c.net.seed} · σw = ${c.net.sw}, σb = ${c.net.sb}`
      : 'compiling the trainer and the sampler…';
    const fs = st.sgdTarget > 0 ? Math.min(1, st.sgdRuns / st.sgdTarget) : 0;
    const fb = st.bayesTarget > 0 ? Math.min(1, st.samples / st.bayesTarget) : 0;
    this.sgdFill.style.width = `${(100 * fs).toFixed(1)}%`;
    this.bayesFill.style.width = `${(100 * fb).toFixed(1)}%`;
    const tail = st.done
      ? ' · done'
      : !s.running
        ? ' · paused'
        : ` · ${int(st.sgdRate)} nets/s, ${int(st.bayesRate)} samples/s · ETA ${formatDuration(st.etaSeconds)}`;
    this.progressText.textContent =
      `SGD ${int(st.sgdRuns)} / ${int(st.sgdTarget)} networks: ${int(st.converged)} converged, ` +
      `${int(st.notConverged)} not converged (${pct(st.notConverged, st.sgdRuns)}) · Bayes ${int(st.samples)} / ` +
      `${int(st.bayesTarget)} prior samples: ${int(st.accepted)} accepted (${pct(st.accepted, st.samples)})${tail}`;
    this.errorText.hidden = st.error === null;
    this.errorText.textContent = st.error ?? '';
  }

  protected override drawCharts(): void {
    const sum = this.stream.summary;
    const inputs = this.stream.current?.net.inputs ?? 7;
    for (const side of ['sgd', 'bayes'] as const)
      this.topCaption[side].textContent = truthTableCaption(inputs);
    this.corrText.textContent = sum ? correlationText(sum.correlation) : 'correlation: waiting for counts…';
    this.acceptText.hidden = !sum?.acceptance;
    this.acceptText.textContent = sum?.acceptance ?? '';
    if (!sum) {
      this.scatterCaption.textContent = 'waiting for the first snapshot…';
      this.histCaption.textContent = '';
      this.scatterChart.draw([]);
      this.histChart.draw([]);
      drawTruthTables(this.topCanvas.sgd, [], inputs);
      drawTruthTables(this.topCanvas.bayes, [], inputs);
      return;
    }
    const sc = sum.scatter;
    const [oS, oB] = sum.other;
    this.scatterCaption.textContent =
      `${sc.both.x.length} functions seen by both, ${sc.sgdOnly.x.length} by SGD only (drawn under the Bayes floor), ` +
      `${sc.bayesOnly.x.length} by Bayes only (left of the SGD floor). Floors: one count, 1/N.` +
      (oS + oB > 0 ? ` Table full: ${int(oS)} SGD and ${int(oB)} Bayes keys counted as other.` : '');
    const xs = [...sc.both.x, ...sc.sgdOnly.x, ...sc.bayesOnly.x];
    const ys = [...sc.both.y, ...sc.sgdOnly.y, ...sc.bayesOnly.y];
    const lo = Math.min(0, ...xs, ...ys) - 0.2;
    this.scatterChart.draw([
      { kind: 'line', x: [lo, 0], y: [lo, 0], color: '#e8ecf4', dash: [5, 3], label: 'P_SGD = P_B' },
      ...(sc.bayesFloor !== null
        ? [
            {
              kind: 'hline' as const,
              value: sc.bayesFloor,
              color: '#5a6275',
              dash: [2, 3],
              label: 'Bayes floor',
            },
          ]
        : []),
      ...(sc.sgdFloor !== null
        ? [{ kind: 'vline' as const, value: sc.sgdFloor, color: '#5a6275', dash: [2, 3], label: 'SGD floor' }]
        : []),
      { kind: 'points', x: sc.sgdOnly.x, y: sc.sgdOnly.y, color: SGD_COLOUR, radius: 2, label: 'SGD only' },
      {
        kind: 'points',
        x: sc.bayesOnly.x,
        y: sc.bayesOnly.y,
        color: BAYES_COLOUR,
        radius: 2,
        label: 'Bayes only',
      },
      { kind: 'points', x: sc.both.x, y: sc.both.y, color: SHARED_COLOUR, radius: 2.5, label: 'both' },
    ]);
    const centres = histogramCentres();
    this.histChart.draw([
      { kind: 'line', x: centres, y: sum.sgdHist, color: SGD_COLOUR, label: 'SGD' },
      { kind: 'points', x: centres, y: sum.sgdHist, color: SGD_COLOUR, radius: 2.5 },
      { kind: 'line', x: centres, y: sum.bayesHist, color: BAYES_COLOUR, label: 'Bayes', dash: [4, 2] },
      { kind: 'points', x: centres, y: sum.bayesHist, color: BAYES_COLOUR, radius: 2.5 },
    ]);
    const mean = (m: number | null) => (m === null ? '— (no counts)' : m.toFixed(3));
    this.histCaption.textContent =
      `Bins: error 0, then tenths ((k−1)/10, k/10]. Mean test error: SGD ${mean(sum.sgdMeanError)}, ` +
      `Bayes ${mean(sum.bayesMeanError)}.`;
    drawTruthTables(this.topCanvas.sgd, tableRows(sum.sgdTop), inputs);
    drawTruthTables(this.topCanvas.bayes, tableRows(sum.bayesTop), inputs);
  }
}
