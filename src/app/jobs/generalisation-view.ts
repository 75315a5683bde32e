/**
 * Analysis → "generalisation vs n": the Bayes generalisation error B_g of the polynomial model or the
 * tiny network over a log grid of n, each n averaged over independent noisy datasets, charted on
 * log–log axes with ±1 SE against the λ/n line (src/core/measures/generalisation/, the CLI's code path).
 * It runs in the background with progress (counts and an ETA), shows the estimates as they firm up,
 * and restarts when the model, σ, prior or seed changes. Other landscapes say what it needs.
 */

import { type Activation, mlpDefaults } from '../../core/landscapes/models/mlp';
import {
  exactReference,
  GeneralisationCancelled,
  type GeneralisationConfig,
  type GenPoint,
  type GenReference,
  mlpMaxPoints,
  runGeneralisation,
} from '../../core/measures/generalisation';
import { type PolyBgReference, polyBgReference } from '../../core/measures/poly-reference';
import { progressText } from '../../core/progress-text';
import type { Derived } from '../../scene/derive';
import type { SceneState } from '../../scene/schema';
import { parsePolyM } from '../../scene/specs';
import { ChartBox } from '../view/charts/chart-box';
import type { Series } from '../view/charts/line-chart';

/** Datasets per n of the app's finite-n reference (the CLI uses 200; SE here ≈ 0.2 in n·B_g). */
const VIEW_REFERENCE_DATASETS = 40;

/** The n grids: the polynomial model's statistics fit any n; a network's data must fit its uniforms. */
export const GEN_POLY_NS: readonly number[] = [10, 20, 50, 100, 200, 500, 1000, 2000];
export const GEN_MLP_NS: readonly number[] = [16, 32, 64, 128, 256];

/** What the chart last showed (tests read it through window.__occam). */
export interface GeneralisationSnapshot {
  readonly phase: 'running' | 'done' | 'failed' | 'unavailable';
  readonly points: readonly GenPoint[];
  readonly reference: GenReference | null;
  readonly progress: string;
  /** The finite-n reference E[n·B_g] per n (polynomial model, box prior), filled after the run. */
  readonly finite?: readonly PolyBgReference[];
}

/** The run for the scene (null: not the polynomial model or a tiny network). */
export function generalisationConfig(s: SceneState, software: boolean): GeneralisationConfig | null {
  const common = {
    sigma: s.sigma,
    sampler: 'mala' as const,
    prior: { kind: s.prior, scale: s.R },
    init: 'wstar' as const,
    seed: s.seed + 104729,
  };
  if (s.landscape === 'poly') {
    return {
      ...common,
      model: { kind: 'poly', m: parsePolyM(s.polyM) },
      ns: GEN_POLY_NS,
      // One population of |n| × K groups (≤ 50): K = 6 fills it on a GPU, K = 4 keeps SwiftShader quick.
      datasets: software ? 4 : 6,
      walkers: software ? 48 : 1024,
      burnin: software ? 400 : 3000,
      steps: software ? 400 : 3000,
      snapshots: software ? 8 : 20,
    };
  }
  if (s.landscape === 'mlp') {
    const inputs = s.mlpInputs;
    return {
      ...common,
      sharpness: s.sharpness,
      model: {
        kind: 'mlp',
        options: {
          ...mlpDefaults,
          inputs,
          width: s.mlpWidth,
          teacherWidth: s.mlpTeacher,
          activation: s.mlpAct as Activation,
        },
      },
      ns: GEN_MLP_NS.filter((n) => n <= mlpMaxPoints(inputs)),
      // One engine per (n, dataset): fewer datasets and steps than the polynomial model's population.
      datasets: software ? 3 : 8,
      walkers: software ? 32 : 512,
      burnin: software ? 200 : 2000,
      steps: software ? 200 : 2000,
      snapshots: software ? 4 : 20,
    };
  }
  return null;
}

export class GeneralisationAnalysis {
  private readonly box: ChartBox;
  private key = '';
  private generation = 0;
  private destroyed = false;
  private shown: GeneralisationSnapshot | null | undefined;
  /** The current state of the run (null while switched off). */
  snapshot: GeneralisationSnapshot | null = null;

  constructor(
    private readonly device: GPUDevice,
    parent: HTMLElement,
    private readonly software: boolean,
  ) {
    this.box = new ChartBox(parent, 'generalisation', {
      title: 'Bayes generalisation error B_g vs n (β = 1)',
      xLabel: 'n',
      logX: true,
      logY: true,
      height: 180,
    });
  }

  /** Called every animation frame: starts, restarts or stops the run, and redraws on change. */
  frame(s: SceneState, d: Derived): void {
    if (this.destroyed) return;
    if (!s.generalisation) {
      if (this.key !== '') {
        this.generation++;
        this.key = '';
      }
      this.snapshot = null;
    } else {
      const key = JSON.stringify([d.key, s.sigma, s.sharpness, s.prior, s.R, s.seed]);
      if (key !== this.key) {
        this.key = key;
        const config = generalisationConfig(s, this.software);
        if (config) void this.run(config);
        else {
          this.generation++;
          this.snapshot = {
            phase: 'unavailable',
            points: [],
            reference: null,
            progress: 'generalisation vs n needs the polynomial model or the tiny network (Landscape)',
          };
        }
      }
    }
    if (this.shown === this.snapshot) return;
    this.shown = this.snapshot;
    this.box.show(this.snapshot ? view(this.snapshot) : null);
  }

  private async run(config: GeneralisationConfig): Promise<void> {
    const generation = ++this.generation;
    const t0 = performance.now();
    const label = `${config.model.kind === 'poly' ? 'polynomial model' : 'tiny network'}: ${config.ns.length} n × ${config.datasets} datasets × ${config.walkers} walkers`;
    let points: readonly GenPoint[] = [];
    let progress = progressText(label, 0, 1, 0, 'walker-steps');
    const current = () => generation === this.generation && !this.destroyed;
    let finite: PolyBgReference[] = [];
    const publish = (phase: GeneralisationSnapshot['phase'], reference = exactReference(config.model)) => {
      this.snapshot = { phase, points, reference, progress, finite };
    };
    publish('running');
    try {
      const result = await runGeneralisation(this.device, {
        ...config,
        onProgress: (done, total) => {
          progress = progressText(label, done, total, (performance.now() - t0) / 1000, 'walker-steps');
          if (current()) publish('running');
        },
        onUpdate: (p) => {
          points = p;
          if (current()) publish('running');
        },
        shouldStop: () => !current(),
      });
      if (!current()) return;
      points = result.points;
      progress = `${label}: done in ${result.seconds.toFixed(1)} s`;
      publish('done', result.reference);
      // The finite-n reference, one n per task so the page stays responsive (≈ 0.1–0.5 s each).
      const model = config.model;
      if (model.kind === 'poly' && (config.prior === undefined || config.prior.kind === 'box')) {
        for (const p of result.points) {
          await new Promise((r) => setTimeout(r, 0));
          if (!current()) return;
          finite = [
            ...finite,
            polyBgReference({
              m: model.m,
              sigma: config.sigma,
              n: p.n,
              datasets: VIEW_REFERENCE_DATASETS,
              samples: 200,
              seed: config.seed,
              bound: config.prior?.scale ?? 2,
            }),
          ];
          publish('done', result.reference);
        }
      }
    } catch (e) {
      if (!current() || e instanceof GeneralisationCancelled) return;
      progress = `generalisation vs n failed: ${(e as Error).message}`;
      publish('failed');
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.generation++;
    this.box.destroy();
  }
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : '—');

function view(snap: GeneralisationSnapshot): { series: Series[]; lines: string[] } {
  const series: Series[] = [];
  const lines = [snap.progress];
  const measured = snap.points.filter((p) => Number.isFinite(p.bg));
  const ref = snap.reference;
  if (ref && Number.isFinite(ref.lambda) && snap.points.length > 0) {
    const ns = snap.points.map((p) => p.n);
    series.push({
      kind: 'line',
      x: ns,
      y: ns.map((n) => ref.lambda / n),
      color: '#e8ecf4',
      label: `λ/n (n → ∞ asymptote), λ = ${fmt(ref.lambda, 2)}${ref.kind === 'measured' ? ' (measured LLC)' : ' (exact)'}`,
      dash: [5, 3],
    });
  }
  const finite = snap.finite ?? [];
  if (finite.length > 0) {
    series.push({
      kind: 'points',
      x: finite.map((f) => f.n),
      y: finite.map((f) => f.nBg / f.n),
      err: finite.map((f) => f.nBgSe / f.n),
      color: '#7fd1ff',
      label: 'finite-n reference E[B_g] ± SE (MCMC in coefficient space)',
    });
    lines.push(
      `reference E[n·B_g]: ${finite.map((f) => `${f.n}: ${fmt(f.nBg, 2)} ± ${fmt(f.nBgSe, 2)}`).join(' · ')} (${VIEW_REFERENCE_DATASETS} datasets per n, CPU)`,
    );
  }
  if (measured.length > 0) {
    series.push({
      kind: 'points',
      x: measured.map((p) => p.n),
      y: measured.map((p) => p.bg),
      err: measured.map((p) => p.bgSe),
      color: '#ff7a45',
      label: 'B_g ± SE over datasets',
    });
    lines.push(`n·B_g: ${measured.map((p) => `${p.n}: ${fmt(p.nBg, 2)} ± ${fmt(p.nBgSe, 2)}`).join(' · ')}`);
    const last = measured.at(-1)!;
    lines.push(
      `B_g at n = ${last.n}: ${sci(last.bg)} ± ${sci(last.bgSe)} (${last.perDataset.length} datasets)`,
    );
  }
  if (ref)
    lines.push(
      `reference: ${ref.note}${ref.kind === 'measured' ? ` = ${fmt(ref.lambda)} ± ${fmt(ref.se)}` : ''}`,
    );
  else if (snap.phase === 'running' && snap.points.length > 0)
    lines.push('reference λ after the run (exact for the polynomial model, a measured LLC for networks)');
  lines.push(
    'Watanabe: E[B_g] = λ/n + o(1/n) at β = 1 — the line is the limit; at finite n a singular model sits below it; x held out on a Gauss–Legendre grid',
  );
  return { series, lines };
}
