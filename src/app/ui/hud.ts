/** The heads-up display: throughput and the sampler's health, plus λ̂ against theory where known. */
import { BURN_IN_POLICY, ulaAcceptanceThreshold } from '../../core/measures/burnin';
import type { Derived } from '../../scene/derive';
import type { SceneState } from '../../scene/schema';
import { type LabStats, warmupNote } from '../live-stats';

const si = (x: number): string => {
  if (!Number.isFinite(x)) return '—';
  const units = ['', 'k', 'M', 'G', 'T'];
  let u = 0;
  while (Math.abs(x) >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)}${units[u]}`;
};
const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export class Hud {
  readonly root: HTMLElement;
  private readonly rows = new Map<string, HTMLElement>();
  private readonly title: HTMLElement;
  private readonly walkerRows: HTMLElement;
  /** Function-space mode's rows (random networks), shown instead of the walkers'. */
  private readonly fsRows: HTMLElement;
  private last = 0;
  /** Offline capture's clip rate: the rate rows then say they are simulated time, not the screen's. */
  private offlineFps: number | null = null;

  /** Marks (fps) or unmarks (null) offline capture. */
  setOffline(fps: number | null): void {
    this.offlineFps = fps;
    this.root.classList.toggle('offline', fps !== null);
    this.last = 0;
  }

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.id = 'hud';
    this.title = document.createElement('div');
    this.title.className = 'hud-title';
    const table = document.createElement('dl');
    this.walkerRows = table;
    this.fsRows = document.createElement('dl');
    this.fsRows.hidden = true;
    for (const [id, label, dl] of [
      ['fps', 'frames/s'],
      ['sps', 'walker-steps/s'],
      ['walkers', 'walkers'],
      ['acc', 'acceptance'],
      ['div', 'diverged'],
      ['lambda', 'LLC estimate'],
      ['mass', 'mass near point'],
      ['nbeta', 'nβ'],
      ['fs-rate', 'networks/s', this.fsRows],
      ['fs-samples', 'networks sampled', this.fsRows],
      ['fs-distinct', 'distinct functions', this.fsRows],
      ['fs-other', 'other (unplaced)', this.fsRows],
      ['fs-load', 'table load', this.fsRows],
    ] as [string, string, HTMLElement?][]) {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.id = `hud-${id}`;
      dd.textContent = '—';
      (dl ?? table).append(dt, dd);
      this.rows.set(id, dd);
    }
    this.root.append(this.title, table, this.fsRows);
    parent.append(this.root);
  }

  /** Redraws at most four times a second, or now when `force` (captures). */
  update(s: LabStats, d: Derived, state: SceneState, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const exact = d.landscape.exact(d.params);
    const set = (id: string, text: string) => {
      const el = this.rows.get(id);
      if (el && el.textContent !== text) el.textContent = text;
    };
    const fs = state.fspace ? s.functionSpace : null;
    this.walkerRows.hidden = fs !== null;
    this.fsRows.hidden = fs === null;
    if (fs) {
      this.title.textContent = `Random networks ${fs.label}`;
      set('fs-rate', si(fs.rate));
      set('fs-samples', `${fs.samples.toLocaleString()} (table: ${fs.total.toLocaleString()})`);
      set('fs-distinct', fs.distinct.toLocaleString());
      set('fs-other', fs.other.toLocaleString());
      set('fs-load', `${num(100 * fs.load, 1)}% of ${fs.capacity.toLocaleString()}`);
      return;
    }
    this.title.textContent = `${d.landscape.title} · ${state.sampler.toUpperCase()}`;
    const off = this.offlineFps;
    // Offline capture: the rates are the clip's, whatever the wall clock did.
    set('fps', off !== null ? `offline: ${off} frames/s of simulated time` : num(s.fps, 1));
    set('sps', off !== null ? `${si(s.walkerStepsPerSec)} per clip second` : si(s.walkerStepsPerSec));
    set('walkers', s.walkers.toLocaleString());
    // ULA takes every move; its row shows the MH acceptance MALA would have given them (issue 18),
    // flagged below the Gaussian-calibrated threshold, and so is the λ̂ it biases.
    const ula = state.sampler === 'ula';
    const biased = ula && s.acceptance < ulaAcceptanceThreshold(d.landscape.dim);
    const [lo, hi] = BURN_IN_POLICY.malaHealthy;
    const mala = !ula && (s.acceptance < lo || s.acceptance > hi) ? ` (healthy ${lo}–${hi})` : '';
    set(
      'acc',
      ula
        ? `MH ${num(s.acceptance, 3)}${biased ? ' · BIASED: lower ε' : ''}`
        : `${num(s.acceptance, 3)}${mala}`,
    );
    // Outside MALA's healthy band the acceptance is flagged too (the step is badly off).
    this.rows.get('acc')?.classList.toggle('flagged', biased || mala !== '');
    set('div', String(s.diverged));
    const theory = exact ? `  (λ = ${num(exact.lambda, 3)}, m = ${exact.m})` : '';
    // Unmixed or still-burning-in walkers' numbers are flagged, never shown as plain results
    // (data-flag for styling/tests; the class for the warning colour).
    const warming = warmupNote(s.step, s.warmupFrom);
    const flag = (id: string, text: string) => {
      const el = this.rows.get(id);
      const why = s.mixing ? 'unmixed' : warming ? 'burn-in' : null;
      if (el && why) el.dataset.flag = why;
      else if (el) delete el.dataset.flag;
      el?.classList.toggle('flagged', why !== null || (id === 'lambda' && biased));
      set(id, s.mixing ? `⚠ not mixed: ${s.mixing} (${text})` : warming ? `⚠ ${warming} (${text})` : text);
    };
    // A run that is no result is flagged, never shown as a number (issue 16; the notice says why).
    if (s.resultProblem) {
      set('lambda', '⚠ no result (see notice)');
      this.rows.get('lambda')?.classList.add('flagged');
    } else {
      const bias = biased ? ' (biased: ULA step too large)' : '';
      // ± one standard error across walkers: how far the reading is from the walkers' own mean.
      const se = Number.isFinite(s.lambdaSe) ? ` ± ${num(s.lambdaSe, 3)}` : '';
      flag(
        'lambda',
        s.mixing || warming
          ? `λ̂ ${num(s.lambdaHat, 3)}${se}${bias}`
          : `${num(s.lambdaHat, 3)}${se}${bias}${theory}`,
      );
    }
    const radius = `r = ${num(s.massRadius, 3)}${state.massR > 0 ? '' : ' (auto 1/√(nβ))'}`;
    flag('mass', `${num(100 * s.massNear, 1)}% within ${radius}`);
    set('nbeta', `${num(d.nbeta, 1)}  (β = ${num(d.beta, 4)}, ε = ${d.eps.toExponential(2)})`);
  }
}
