/**
 * What capture needs from the app: the running scene it drives (CaptureTarget: hold, step frame by
 * frame, draw, restart; the lab implements it in src/app/lab-capture.ts) and the shell around it
 * (CaptureHost: the state, the HUD, notices; main.ts). The controller and recordings see only these.
 */

import type { SceneState } from '../../scene/schema';
import type { SceneView } from '../view/scene-view';

export interface CaptureTarget {
  /** The 3-D view: captures render it at their own pixel ratio, background and camera pose. */
  readonly view: SceneView;
  /** True once the scene matches the state and nothing is being rebuilt. */
  readonly settled: boolean;
  /** Holds (true) or resumes the animation loop: offline capture drives frames itself. */
  hold(on: boolean): void;
  /**
   * Offline capture, with the loop held: brings the scene in line with the state, advances exactly
   * `steps` steps (none for a still) and waits for this frame's statistics, so the HUD and panels show
   * this very frame. `fps` is the clip's rate, shown instead of the wall clock. Then call `render`.
   */
  step(steps: number, fps: number): Promise<void>;
  /** Offline capture: draws the frame `step` made, every panel; compose in the same task. */
  render(): void;
  /** Restarts every stream from its seed and forgets the running statistics (deterministic clips). */
  restart(): void;
  /** Real-time capture: `fn` runs right after each animation frame's render, in the same task (null: none). */
  onRender(fn: (() => void) | null): void;
}

/** What capture needs from the app shell. */
export interface CaptureHost {
  /** The region captured (the app's root element). */
  readonly root: HTMLElement;
  /** The running scene (a new one after a lost device), null before the first. */
  target(): CaptureTarget | null;
  device(): GPUDevice | null;
  state(): SceneState;
  presetId(): string | undefined;
  /** Replaces scene fields (already validated); with `preset`, also the preset the scene came from. */
  setFields(fields: Partial<SceneState>, preset?: { id: string | undefined }): void;
  /** Redraws the HUD from the lab's current statistics now (no throttling). */
  refreshHud(): void;
  notice(text: string, kind: 'info' | 'warn' | 'error'): void;
  /** Marks the HUD during offline recording (the clip's rate, simulated time), null after. */
  offline?(fps: number | null): void;
}

/** The running scene, or an error saying there is none yet. */
export function requireTarget(host: CaptureHost): CaptureTarget {
  const target = host.target();
  if (!target) throw new Error('the scene is not running yet');
  return target;
}
