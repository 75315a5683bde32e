/**
 * One progress line for long work, shared by the CLI (stderr) and the app (analysis captions):
 * percentage, counts, elapsed time and an ETA extrapolated from the rate so far.
 */
export function progressText(
  label: string,
  done: number,
  total: number,
  elapsedS: number,
  unit = 'steps',
): string {
  const fraction = total > 0 ? done / total : 0;
  const eta = fraction > 0 ? (elapsedS * (1 - fraction)) / fraction : Number.NaN;
  return `${label}: ${(100 * fraction).toFixed(0).padStart(3)}% ${done}/${total} ${unit}, ${elapsedS.toFixed(1)}s elapsed, ETA ${Number.isFinite(eta) ? `${eta.toFixed(1)}s` : '?'}`;
}
