/**
 * The lab as capture sees it (CaptureTarget): offline capture holds the animation loop and drives the
 * lab one frame at a time (commit, exact steps, awaited readbacks, a full draw); real-time capture
 * grabs after each frame the loop draws. One per lab: the capture controller tells a lab replaced
 * after a lost device by this object's identity.
 */

import type { CaptureTarget } from './capture/capture-target';
import type { Lab } from './lab';

export class LabCapture implements CaptureTarget {
  constructor(private readonly lab: Lab) {}

  get view(): Lab['view'] {
    return this.lab.view;
  }

  get settled(): boolean {
    return this.lab.settled;
  }

  hold(on: boolean): void {
    this.lab.paused = on;
    if (on) this.lab.polyFunctions.startCapture();
  }

  async step(steps: number, fps: number): Promise<void> {
    const lab = this.lab;
    // Awaits promises, never polls with timers: a hidden tab throttles timers (Chromium: one wake-up a
    // second, after five minutes one a minute), and offline capture must not slow down or stall there.
    for (let i = 0; i < 600 && !lab.settled && !lab.disposed; i++) await lab.commit();
    const engine = lab.engine;
    if (!engine || lab.disposed) throw new Error('the scene could not be built');
    // A readback the live loop started before the hold: let it land before this frame's own.
    await lab.live.landed();
    const { s, d } = lab.current();
    lab.resetIfRequested(engine, s.init);
    if (s.sgd) {
      // The SGD view covers the stage (and takes it over from function space, as in the frame loop).
      await lab.sgdBayes.captureStep(s, steps > 0, fps);
      lab.stats.sgdBayes = lab.sgdBayes.stats;
    } else if (s.fspace) {
      await lab.functionSpace.captureStep(s, steps > 0, fps);
      lab.stats.functionSpace = lab.functionSpace.stats;
    }
    if (steps > 0 && !s.fspace && !s.sgd) {
      engine.advance(steps);
      lab.live.stepsSinceClear += steps;
    }
    // Always, stepped or not: CPU kernels' queued work (a restart's init too) reaches the drawn buffer.
    await lab.projectWalkers();
    await Promise.all([
      lab.live.readStats(engine, d),
      s.density || s.exact ? lab.live.readHistogram(d) : undefined,
      lab.polyFunctions.captureFrame(engine, s, fps),
    ]);
    lab.stats.fps = fps;
    lab.stats.walkerStepsPerSec = steps * engine.walkers * fps;
    lab.stats.step = engine.step;
    lab.stats.massRadius = d.massRadius;
  }

  render(): void {
    this.lab.drawCaptured();
  }

  restart(): void {
    const lab = this.lab;
    lab.requestWalkerReset();
    // Every stream back to its seed: a clip never continues what the live loop (or the last play) counted.
    lab.functionSpace.requestReset();
    lab.sgdBayes.requestReset();
    Object.assign(lab.stats, {
      acceptance: Number.NaN,
      meanLoss: Number.NaN,
      lambdaHat: Number.NaN,
      massNear: Number.NaN,
      resultProblem: null,
      tv: null,
      tvNoise: null,
      insideFraction: null,
    });
  }

  onRender(fn: (() => void) | null): void {
    this.lab.afterRender = fn;
  }
}
