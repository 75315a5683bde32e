/**
 * The function-space mode: a panel over the 3-D stage (plain DOM and 2-D canvases, so the capture
 * compositor copies it as drawn) fed by a FunctionSpaceStream. It shows the progress toward the target
 * number of networks, the rank–frequency curve (log–log), log2 P against K_LZ with the fitted bound
 * P ≤ 2^−(aK + b), the probability mass by K_LZ with "other" as its own bar, and the most frequent
 * functions as truth-table images. Charts redraw when a new table snapshot arrives (every ~0.75 s),
 * never every frame.
 */

import type { SceneState } from '../../scene/schema';
import { DEFAULT_MIN_COUNT } from '../jobs/complexity-bound';
import { type FunctionSpaceStats, FunctionSpaceStream } from '../jobs/function-space-stream';
import { BarChart } from './charts/bar-chart';
import { LineChart } from './charts/line-chart';
import { drawTruthTables, truthTableCaption } from './charts/truth-tables';
import { formatDuration, int, StagePanel } from './stage-panel';

export class FunctionSpaceView extends StagePanel<FunctionSpaceStats, FunctionSpaceStream> {
  private readonly configText: HTMLElement;
  private readonly barFill: HTMLElement;
  private readonly progressText: HTMLElement;
  private readonly errorText: HTMLElement;
  private readonly rankChart: LineChart;
  private readonly scatterChart: LineChart;
  private readonly boundText: HTMLElement;
  private readonly massChart: BarChart;
  private readonly massText: HTMLElement;
  private readonly topCanvas: HTMLCanvasElement;
  private readonly topCaption: HTMLElement;

  constructor(
    stage: HTMLElement,
    device: GPUDevice,
    software: boolean,
    notice: (text: string, kind: 'info' | 'warn' | 'error') => void,
  ) {
    super(stage, new FunctionSpaceStream(device, software, notice), {
      id: 'fspace',
      label: 'Random networks: the functions they compute',
      prefix: 'fs',
      stageClass: 'fspace-on',
    });
    const el = this.el.bind(this);
    const fig = this.fig.bind(this);
    const head = el('header', 'fs-head', this.root);
    el('h2', 'fs-title', head).textContent = 'Random networks → Boolean functions';
    this.configText = el('div', 'fs-config', head);
    const progress = el('div', 'fs-progress', head);
    const bar = el('div', 'fs-bar', progress);
    this.barFill = el('div', 'fs-fill', bar);
    this.progressText = el('div', 'fs-progress-text', progress);
    this.progressText.id = 'fs-progress';
    el('p', 'fs-note', head).textContent =
      'Each network is drawn at random and read off as the truth table it computes on every input point. ' +
      'A few simple functions take most of the probability: P falls exponentially with complexity.';
    this.errorText = el('div', 'fs-error', head);
    this.errorText.hidden = true;

    const rankFig = fig('fs-rank');
    this.rankChart = new LineChart(rankFig, {
      title: 'rank–frequency: log₁₀ P against rank',
      xLabel: 'rank r',
      logX: true,
    });
    const scatterFig = fig('fs-scatter');
    this.scatterChart = new LineChart(scatterFig, { title: 'log₂ P vs K_LZ', xLabel: 'K_LZ' });
    this.boundText = el('figcaption', 'fs-caption', scatterFig);
    this.boundText.id = 'fs-bound';
    const massFig = fig('fs-mass');
    this.massChart = new BarChart(massFig, {
      title: 'probability mass by K_LZ (log scale)',
      xLabel: 'K_LZ',
      floor: 1e-6,
    });
    this.massText = el('figcaption', 'fs-caption', massFig);
    this.massText.id = 'fs-other';
    const topFig = fig('fs-top');
    this.topCanvas = el('canvas', 'line-chart', topFig);
    this.topCanvas.setAttribute('role', 'img');
    this.topCanvas.setAttribute('aria-label', 'most frequent functions as truth tables');
    this.topCaption = el('figcaption', 'fs-caption', topFig);
    this.fitCanvases([
      [this.rankChart.canvas, 'fs-rank'],
      [this.scatterChart.canvas, 'fs-scatter'],
      [this.massChart.canvas, 'fs-mass'],
      [this.topCanvas, 'fs-top'],
    ]);
    this.mount();
  }

  protected override on(s: SceneState): boolean {
    return s.fspace;
  }

  protected override drawProgress(s: SceneState): void {
    const st = this.stream.stats;
    const c = this.stream.current;
    this.configText.textContent = c
      ? `${st.label} · weights ${c.init} σw = ${c.sw} · biases σb = ${c.sb} · inputs ${c.domain === '01' ? '{0,1}' : '{−1,1}'}` +
        ` · seed ${c.seed} · table ${int(st.capacity)} slots`
      : 'compiling the sampler…';
    const frac = st.target > 0 ? Math.min(1, st.samples / st.target) : 0;
    this.barFill.style.width = `${(100 * frac).toFixed(1)}%`;
    const head = `${int(st.samples)} / ${int(st.target)} networks (${(100 * frac).toFixed(1)}%)`;
    const tail = st.done
      ? ' · done'
      : !s.running
        ? ' · paused'
        : ` · ${int(st.rate)}/s · ETA ${formatDuration(st.etaSeconds)}`;
    this.progressText.textContent = `${head}${tail}`;
    this.errorText.hidden = st.error === null;
    this.errorText.textContent = st.error ?? '';
  }

  protected override drawCharts(): void {
    const sum = this.stream.summary;
    const inputs = this.stream.current?.inputs ?? 7;
    const b = sum?.bound ?? null;
    // Captions first: the canvases size themselves to the layout the captions leave them.
    this.topCaption.textContent = truthTableCaption(inputs);
    this.boundText.textContent = !sum?.total
      ? 'waiting for the first table snapshot…'
      : b
        ? `P ≤ 2^−(aK + b): a = ${b.a.toFixed(3)}, b = ${b.b.toFixed(2)}; least squares through the top function ` +
          `at each K seen ≥ ${DEFAULT_MIN_COUNT} times (${b.used} K values), b then lowered ${b.shift.toFixed(2)} so none is above.`
        : `bound: needs functions seen ≥ ${DEFAULT_MIN_COUNT} times at two or more values of K.`;
    this.massText.textContent = !sum?.total
      ? ''
      : `"other" = ${int(sum.other)} samples (${(100 * sum.otherMass).toFixed(2)}%) that found the table full, at any K: ` +
        `counted, never dropped. Σ counts + other = ${int(sum.countsSum + sum.other)} = samples.`;
    if (!sum || sum.total === 0) {
      this.rankChart.draw([]);
      this.scatterChart.draw([]);
      this.massChart.draw({
        x: [],
        y: [],
        color: '#ff7a45',
        extra: [{ label: 'other', y: 0, color: '#8b93a7' }],
      });
      drawTruthTables(this.topCanvas, [], inputs);
      return;
    }
    const floor = 1 / sum.total;
    this.rankChart.draw([
      { kind: 'hline', value: Math.log10(floor), color: '#5a6275', label: 'one sample' },
      { kind: 'line', x: sum.rank.r, y: sum.rank.p.map(Math.log10), color: '#7fd1ff', label: 'log₁₀ P' },
    ]);
    const kMin = Math.min(...sum.massByK.k);
    const kMax = Math.max(...sum.massByK.k);
    this.scatterChart.draw([
      {
        kind: 'hline',
        value: Math.log2(DEFAULT_MIN_COUNT / sum.total),
        color: '#5a6275',
        label: `${DEFAULT_MIN_COUNT} samples`,
      },
      {
        kind: 'points',
        x: sum.scatter.k,
        y: sum.scatter.log2p,
        color: 'rgba(255,122,69,0.7)',
        radius: 2,
        label: `top ${int(sum.scatter.k.length)} functions`,
      },
      ...(b
        ? [
            {
              kind: 'line' as const,
              x: [kMin, kMax],
              y: [-(b.a * kMin + b.b), -(b.a * kMax + b.b)],
              color: '#e8ecf4',
              dash: [5, 3],
              label: 'bound',
            },
          ]
        : []),
    ]);
    this.massChart.draw(
      {
        x: sum.massByK.k,
        y: sum.massByK.mass,
        color: '#ff7a45',
        extra: [{ label: 'other', y: sum.otherMass, color: '#8b93a7' }],
      },
      Math.min(1e-2, floor),
    );
    drawTruthTables(this.topCanvas, sum.top, inputs);
  }

  /** Offline capture: advance one frame's networks (or none) and read the table. */
  async captureStep(s: SceneState, advance: boolean, fps: number): Promise<void> {
    await this.stream.captureStep(s, advance);
    this.stream.setCaptureRate(fps);
  }
}
