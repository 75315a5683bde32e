/**
 * Analysis → "temperature ladder (λ, m)": walker groups at K inverse temperatures around β0 (the
 * scene's β, 1/log n by default), each measuring nβ_j·E_βj[L − L(w*)], and the weighted least-squares
 * fit from the exact asymptotics of normal crossings (λ − (m−1)/(log nβ + c), or for m = 1 the
 * power-law approach to λ; `fitLadder`) — the multiplicity m, which a single-temperature LLC cannot
 * see. The app's face of `occam-lens llc --ladder`.
 */
import { fitLadder, type LadderFit, ladderCurve, temperatureLadder } from '../../core/measures/ladder';
import type { Derived } from '../../scene/derive';
import { scenePosterior } from '../../scene/posterior';
import { ChartBox } from '../view/charts/chart-box';
import type { Series } from '../view/charts/line-chart';
import type { GroupAnalysisDef, GroupRunStatus } from './group-analysis';

export const LADDER_TEMPERATURES = 8;
/**
 * β0/16 … 16·β0 rather than the CLI's default 4: over the wider span the 1/log and 1/log² columns
 * separate, and the SE of m falls from ~0.4 to ~0.1 at 8 × 768 walkers (tests/core/measures/ladder.gpu.test.ts).
 */
export const LADDER_SPAN = 16;
export const LADDER_BURNIN = 1000;
export const LADDER_STEPS = 1500;

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export { ladderCurve };

/** The analysis, drawing into a new chart box at the end of `parent` (the analysis panel). */
export function ladderAnalysis(parent: HTMLElement): GroupAnalysisDef {
  const box = new ChartBox(parent, 'ladder', {
    title: 'temperature ladder: nβ·E_β[L − L(w*)] vs log nβ',
    xLabel: 'log nβ',
    height: 170,
  });
  return {
    enabled: (s) => s.ladder,
    key: (s, d) => JSON.stringify([d.key, d.params, s.n, d.beta, s.gamma, s.prior, s.R, d.wstar, s.seed]),
    spec: (s, d, software) => ({
      label: 'temperature ladder',
      posterior: scenePosterior(s, d),
      groupNbeta: temperatureLadder(s.n, LADDER_TEMPERATURES, d.beta, LADDER_SPAN),
      walkersPerGroup: software ? 512 : 8192,
      burnin: LADDER_BURNIN,
      steps: LADDER_STEPS,
      seed: s.seed + 104729,
      // From the prior, as in tests/core/measures/ladder.gpu.test.ts: the hot groups spread over the whole box.
      init: 'prior',
    }),
    show: (status, _s, d) => box.show(status ? ladderView(status, d) : null),
  };
}

function ladderView(status: GroupRunStatus, d: Derived): { series: Series[]; lines: string[] } {
  const exact = d.landscape.exact(d.params);
  const exactLine = exact ? `exact λ = ${fmt(exact.lambda)}, m = ${exact.m}` : 'exact λ, m unknown here';
  const series: Series[] = [];
  if (exact) series.push({ kind: 'hline', value: exact.lambda, color: '#e8ecf4', label: 'exact λ' });
  if (status.phase !== 'done') return { series, lines: [status.progress, exactLine] };
  const points = status.groups.map((g) => ({ nbeta: g.nbeta, value: g.lambdaHat, se: g.lambdaHatSe }));
  const x = points.map((p) => Math.log(p.nbeta));
  let fit: LadderFit | null = null;
  let fitError = '';
  try {
    fit = fitLadder(points);
  } catch (e) {
    fitError = (e as Error).message;
  }
  if (fit) {
    // The curve over the ladder and a little beyond, so its approach to λ is visible.
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    const xs = Array.from({ length: 60 }, (_, i) => lo + ((hi - lo) * i) / 59);
    series.push({
      kind: 'line',
      x: xs,
      y: xs.map((v) => ladderCurve(fit!, v)),
      color: '#7fd1ff',
      label: `fit ${fit.formula}`,
    });
    series.push({ kind: 'hline', value: fit.lambda, color: '#7fd1ff', label: 'λ_fit', dash: [4, 3] });
  }
  series.push({
    kind: 'points',
    x,
    y: points.map((p) => p.value),
    err: points.map((p) => 2 * p.se),
    color: '#ff7a45',
    label: 'nβ·E[L − L(w*)] per group',
  });
  const lines = [status.progress];
  lines.push(
    fit
      ? `λ_fit = ${fmt(fit.lambda)} ± ${fmt(fit.lambdaSe)}, m_fit = ${fmt(fit.m)} ± ${fmt(fit.mSe)}${fit.model === 'power' ? ` (m = 1 model, δ = ${fmt(fit.delta, 2)})` : ` (c = ${fmt(fit.c, 2)})`}, χ²/dof = ${fmt(fit.chi2PerDof, 2)} · ${exactLine}`
      : `fit failed: ${fitError} · ${exactLine}`,
  );
  if (fit) {
    lines.push(
      `model ${fit.formula}; residuals/SE ${fit.residuals.map((r, i) => fmt(r / points[i].se, 1)).join(' ')}; other family (${fit.alternative.model}) λ = ${fmt(fit.alternative.lambda)}, m = ${fmt(fit.alternative.m, 2)}, χ²/dof = ${fmt(fit.alternative.chi2PerDof, 2)}`,
    );
  }
  lines.push(
    `nβ from ${fmt(points[0]?.nbeta ?? Number.NaN, 1)} to ${fmt(points.at(-1)?.nbeta ?? Number.NaN, 1)} (β0/${LADDER_SPAN} … ${LADDER_SPAN}·β0); error bars ±2 SE`,
  );
  return { series, lines };
}
