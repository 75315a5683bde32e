/**
 * What the stage is doing, always visible: starting WebGPU, compiling pipelines, building the surface,
 * burning in (with progress) and sampling. While a new scene is built the card covers the stage with an
 * opaque panel, so the previous scene's surface and walkers never show under the new scene's title;
 * a rebuild that keeps the walkers (a new n, a new window) only shows the badge.
 */

import type { SceneState } from '../../scene/schema';
import type { LabStats } from '../live-stats';

/**
 * Steps after a (re)start shown as "burning in". A display convention, not a statistic: the λ̂ chart
 * already drops the first half of its history, and MALA at the default step relaxes well within it.
 */
export const BURN_IN_STEPS = 200;

export type StagePhase = 'starting' | 'building' | 'burn-in' | 'sampling' | 'paused' | 'function-space';

export class StageStatus {
  readonly root: HTMLElement;
  private readonly label: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly fill: HTMLElement;
  /** The engine step at the last (re)start: burn-in counts from there. */
  private startStep = 0;
  private lastStep = 0;
  private rebuilding = false;
  private cover = false;
  phase: StagePhase = 'starting';

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.id = 'stage-status';
    // Not part of screenshots and clips (the compositor skips capture-ui).
    this.root.className = 'capture-ui';
    this.root.setAttribute('role', 'status');
    this.label = document.createElement('strong');
    this.detail = document.createElement('span');
    const bar = document.createElement('div');
    bar.className = 'status-bar';
    this.fill = document.createElement('div');
    bar.append(this.fill);
    const card = document.createElement('div');
    card.className = 'status-card';
    card.append(this.label, this.detail, bar);
    this.root.append(card);
    parent.append(this.root);
  }

  starting(): void {
    this.set('starting', 'compiling pipelines', 'WebGPU device ready; building the first scene…', true, null);
  }

  /** From the Lab: a rebuild stage, or null when the rebuild is over. */
  building(stage: string | null, newScene: boolean): void {
    if (stage === null) {
      this.rebuilding = false;
      if (this.cover) {
        // A new scene starts from step 0 of a new engine: burn-in counts from there.
        this.startStep = 0;
        this.cover = false;
      }
      return;
    }
    this.rebuilding = true;
    this.cover ||= newScene;
    this.set('building', this.cover ? 'building the new scene' : 'updating', `${stage}…`, this.cover, null);
  }

  /** Once per frame with the Lab's statistics. */
  frame(s: LabStats, state: SceneState): void {
    // A reset (seed, start, the reset button) sends the step counter back: burn-in starts again.
    if (s.step < this.lastStep) this.startStep = s.step;
    this.lastStep = s.step;
    if (this.rebuilding) return;
    if (state.fspace) {
      this.set('function-space', 'function space', 'random networks stream through the GPU', false, null);
      return;
    }
    const done = s.step - this.startStep;
    if (done < BURN_IN_STEPS) {
      this.set(
        'burn-in',
        'burning in',
        `step ${done} of ${BURN_IN_STEPS}: readings settle`,
        false,
        done / BURN_IN_STEPS,
      );
    } else if (!state.running) {
      this.set('paused', 'paused', `step ${s.step.toLocaleString()}`, false, null);
    } else {
      this.set('sampling', 'sampling', `step ${s.step.toLocaleString()}`, false, null);
    }
  }

  private set(
    phase: StagePhase,
    label: string,
    detail: string,
    cover: boolean,
    progress: number | null,
  ): void {
    this.phase = phase;
    this.root.dataset.phase = phase;
    this.root.classList.toggle('cover', cover);
    // The readouts still show the previous scene until the new one's first readings: dimmed meanwhile.
    document.body.classList.toggle('scene-building', cover);
    if (this.label.textContent !== label) this.label.textContent = label;
    if (this.detail.textContent !== detail) this.detail.textContent = detail;
    this.fill.parentElement!.hidden = progress === null;
    if (progress !== null)
      this.fill.style.width = `${(100 * Math.min(1, Math.max(0, progress))).toFixed(1)}%`;
  }
}
