/**
 * What capture drives: a running scene that it can hold, step frame by frame, draw and restart. The
 * lab implements it (src/app/lab-capture.ts); the capture controller and recordings see only this.
 */

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
