/**
 * A one-shot walker-group run in the background of the app: its own WalkerEngine with one group per
 * n·β (a temperature ladder, or a grid of n), burn-in and sampling by `runGroups` (the CLI's and the
 * tests' code path), progress with counts and an ETA, and a restart whenever the scene settings it
 * depends on change. The app's own walkers keep running meanwhile: `runGroups` awaits a GPU readback
 * between chunks, which yields to the animation frames.
 */
import { type GroupResult, ladderInitialSteps, runGroups } from '../../core/measures/ladder';
import type { InitKind, PosteriorSettings } from '../../core/posterior';
import { progressText } from '../../core/progress-text';
import { exchangeEveryFor, WalkerEngine } from '../../core/walkers/walker-engine';
import type { Derived } from '../../scene/derive';
import type { SceneState } from '../../scene/schema';

export interface GroupRunSpec {
  /** Shown in the progress line. */
  readonly label: string;
  readonly posterior: PosteriorSettings;
  readonly groupNbeta: readonly number[];
  readonly walkersPerGroup: number;
  readonly burnin: number;
  readonly steps: number;
  readonly seed: number;
  /** Where the walkers start (then burn in at their group's temperature). */
  readonly init: InitKind;
}

export type GroupRunStatus =
  | { readonly phase: 'running'; readonly progress: string }
  | {
      readonly phase: 'done';
      readonly groups: readonly GroupResult[];
      readonly lossAtWstar: number;
      readonly progress: string;
    }
  | { readonly phase: 'failed'; readonly progress: string };

/** How long the settings a run depends on must stay unchanged before it (re)starts. */
const SETTLE_MS = 300;

/** Thrown from the progress callback to stop a superseded run between chunks. */
class Superseded extends Error {}

export interface GroupAnalysisDef {
  /** Whether the analysis is switched on in the scene. */
  enabled(s: SceneState): boolean;
  /** Everything the run depends on: a change restarts it. */
  key(s: SceneState, d: Derived): string;
  spec(s: SceneState, d: Derived, software: boolean): GroupRunSpec;
  /**
   * Draws progress, then the result (or the failure); null when switched off. Called when the status
   * or `viewKey` changes, not every frame.
   */
  show(status: GroupRunStatus | null, s: SceneState, d: Derived): void;
  /** Scene settings the drawing (not the run) depends on, e.g. a marker at the current n. */
  viewKey?(s: SceneState, d: Derived): string;
}

export class GroupAnalysis {
  private key = '';
  private generation = 0;
  private status: GroupRunStatus | null = null;
  private destroyed = false;
  private shown: { status: GroupRunStatus | null; view: string } | null = null;
  private pending = { key: '', since: 0 };

  constructor(
    private readonly device: GPUDevice,
    private readonly def: GroupAnalysisDef,
    private readonly software: boolean,
  ) {}

  /** Called every animation frame: starts, restarts or stops the run, and redraws. */
  frame(s: SceneState, d: Derived): void {
    if (this.destroyed) return;
    if (!this.def.enabled(s)) {
      if (this.key !== '' || this.status !== null) {
        this.generation++;
        this.key = '';
        this.status = null;
      }
      this.pending = { key: '', since: 0 };
      this.draw(s, d);
      return;
    }
    const key = this.def.key(s, d);
    if (key !== this.key) {
      // Wait until the settings rest (a dragged slider changes them every frame): each run compiles
      // its own engine.
      if (key !== this.pending.key) {
        this.pending = { key, since: performance.now() };
        // The shown result is for other settings now: stop its run (if any) and say so.
        this.generation++;
        this.status = { phase: 'running', progress: 'settings changed: restarting…' };
      } else if (performance.now() - this.pending.since >= SETTLE_MS) {
        this.key = key;
        void this.run(this.def.spec(s, d, this.software));
      }
    }
    this.draw(s, d);
  }

  private draw(s: SceneState, d: Derived): void {
    const view = this.def.viewKey?.(s, d) ?? '';
    if (this.shown && this.shown.status === this.status && this.shown.view === view) return;
    this.shown = { status: this.status, view };
    this.def.show(this.status, s, d);
  }

  private async run(spec: GroupRunSpec): Promise<void> {
    const generation = ++this.generation;
    const t0 = performance.now();
    const line = (done: number, total: number) =>
      progressText(
        `${spec.label} (${spec.groupNbeta.length} groups × ${spec.walkersPerGroup} walkers)`,
        done,
        total,
        (performance.now() - t0) / 1000,
        'steps',
      );
    this.status = { phase: 'running', progress: line(0, spec.burnin + spec.steps) };
    let engine: WalkerEngine | null = null;
    try {
      const groupEps = ladderInitialSteps({ ...spec.posterior, groupNbeta: spec.groupNbeta });
      engine = await WalkerEngine.create(this.device, {
        ...spec.posterior,
        walkers: spec.walkersPerGroup * spec.groupNbeta.length,
        // MALA whatever the scene's sampler: each group tunes its own step toward acceptance 0.57, and
        // the fit needs unbiased group estimates (ULA's bias grows with the step).
        sampler: 'mala',
        eps: groupEps[0],
        seed: spec.seed,
        groupNbeta: spec.groupNbeta,
        groupEps,
        // Replica exchange between neighbouring n·β: cold groups cross between basins via hot ones.
        exchangeEvery: exchangeEveryFor(spec.posterior.landscape, spec.groupNbeta.length),
      });
      if (generation !== this.generation) return;
      const r = await runGroups(engine, {
        steps: spec.steps,
        burnin: spec.burnin,
        init: spec.init,
        tuneStep: true,
        // Each adaptation is a readback, about a frame in the browser: BURN_IN_POLICY's light schedule.
        schedule: 'light',
        onProgress: (done, total) => {
          if (generation !== this.generation || this.destroyed) throw new Superseded();
          this.status = { phase: 'running', progress: line(done, total) };
        },
      });
      if (generation !== this.generation) return;
      this.status = {
        phase: 'done',
        groups: r.groups,
        lossAtWstar: r.lossAtWstar,
        progress: `${spec.label}: ${spec.groupNbeta.length} groups × ${r.groups[0]?.walkers ?? 0} walkers, ${spec.burnin} + ${spec.steps} steps in ${r.seconds.toFixed(1)} s`,
      };
    } catch (e) {
      if (generation === this.generation && !(e instanceof Superseded))
        this.status = { phase: 'failed', progress: `${spec.label} failed: ${(e as Error).message}` };
    } finally {
      engine?.destroy();
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.generation++;
  }
}
