/**
 * What the two panels over the 3-D stage share (function space, SGD vs Bayes): a hidden section fed by
 * a GPU stream, shown while its mode is on (the stage gets a class so CSS can step the rest aside),
 * progress text redrawn at most every 200 ms and charts only when the stream has a new snapshot.
 * Plain DOM and 2-D canvases, so the capture compositor copies the panel as drawn.
 */

import type { SceneState } from '../../scene/schema';

/** What a panel needs from its stream. */
export interface PanelStream<S> {
  readonly stats: S;
  /** Bumped with every new table snapshot: the charts redraw then. */
  readonly version: number;
  frame(s: SceneState, step: boolean): void;
  requestReset(): void;
  destroy(): void;
}

export interface StagePanelSpec {
  /** The section's id (#fspace, #sgdview). */
  readonly id: string;
  readonly label: string;
  /** The class prefix of its figures ('fs', 'sg'). */
  readonly prefix: string;
  /** The stage's class while the panel is shown. */
  readonly stageClass: string;
}

export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** "12 s", "4 min", "2.1 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export abstract class StagePanel<S, T extends PanelStream<S>> {
  readonly root: HTMLElement;
  private drawnVersion = -1;
  private lastProgress = 0;

  protected constructor(
    protected readonly stage: HTMLElement,
    readonly stream: T,
    private readonly spec: StagePanelSpec,
  ) {
    this.root = document.createElement('section');
    this.root.id = spec.id;
    this.root.hidden = true;
    this.root.setAttribute('aria-label', spec.label);
  }

  /** Whether the state shows this panel. */
  protected abstract on(s: SceneState): boolean;
  protected abstract drawProgress(s: SceneState): void;
  protected abstract drawCharts(): void;

  protected el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    cls: string,
    parent: HTMLElement,
    id = '',
  ): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    e.className = cls;
    if (id) e.id = id;
    parent.append(e);
    return e;
  }

  protected fig(cls: string): HTMLElement {
    return this.el('figure', `${this.spec.prefix}-fig ${cls}`, this.root);
  }

  /** Names the chart canvases (`<id>-chart`) and lets the panel's grid size them. */
  protected fitCanvases(canvases: readonly (readonly [HTMLCanvasElement, string])[]): void {
    for (const [c, id] of canvases) {
      c.id = `${id}-chart`;
      // The grid cell sizes the chart (LineChart sets a fixed height otherwise).
      c.style.height = '';
      c.classList.add(`${this.spec.prefix}-canvas`);
    }
  }

  /** Called by the subclass once its DOM is built. */
  protected mount(): void {
    this.stage.append(this.root);
  }

  get stats(): S {
    return this.stream.stats;
  }

  /** Every animation frame: drives the stream and redraws what changed (`force`: everything, now). */
  frame(s: SceneState, step: boolean, force: boolean): void {
    this.stream.frame(s, step);
    const on = this.on(s);
    this.show(on);
    if (!on) return;
    const now = performance.now();
    if (force || now - this.lastProgress > 200) {
      this.lastProgress = now;
      this.drawProgress(s);
    }
    if (force || this.stream.version !== this.drawnVersion) {
      this.drawnVersion = this.stream.version;
      this.drawCharts();
    }
  }

  private show(on: boolean): void {
    if (this.root.hidden === !on) return;
    this.root.hidden = !on;
    this.stage.classList.toggle(this.spec.stageClass, on);
    // Charts measured while hidden have no size: draw again once shown.
    this.drawnVersion = -1;
  }

  requestReset(): void {
    this.stream.requestReset();
  }

  destroy(): void {
    this.stream.destroy();
    this.stage.classList.remove(this.spec.stageClass);
    this.root.remove();
  }
}
