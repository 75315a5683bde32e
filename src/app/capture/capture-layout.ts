/**
 * What a capture includes and the page layout it is taken in: shared by screenshots (capture.ts) and
 * recordings (recording.ts).
 */

import type { CaptureTarget } from './capture-target';

export type Background = 'solid' | 'transparent';

/** Elements never captured: capture's own UI; lil-gui and notices unless asked for. */
export const skipper =
  (includeGui: boolean, includeHud: boolean) =>
  (el: Element): boolean =>
    el.classList.contains('capture-ui') ||
    el.id === 'notices' ||
    (!includeGui && el.classList.contains('lil-gui') && !el.parentElement?.closest('.lil-gui')) ||
    (!includeHud && el.id === 'hud');

/**
 * Captures without the control panel use the presentation layout (body.capture-layout: the controls
 * column goes, the stage widens): an excluded panel used to leave an empty dark block in the picture.
 * Applied and removed synchronously around a screenshot's render, or for a whole recording.
 */
export function captureLayout(target: CaptureTarget, on: boolean): boolean {
  const body = document.body;
  if (body.classList.contains('capture-layout') === on) return false;
  body.classList.toggle('capture-layout', on);
  target.view.resize();
  return true;
}

/** An even frame height for `width` at the page's aspect. */
export function pageAspectHeight(root: HTMLElement, width: number): number {
  const r = root.getBoundingClientRect();
  return Math.max(2, 2 * Math.round((width * r.height) / Math.max(1, r.width) / 2));
}

/** The 3-D stage's CSS size (at least 1 × 1). */
export function stageSize(target: CaptureTarget): { width: number; height: number } {
  const r = target.view.canvas.getBoundingClientRect();
  return { width: Math.max(1, r.width), height: Math.max(1, r.height) };
}
