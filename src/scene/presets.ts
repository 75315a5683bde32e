/** The founding post's scenes, as partial states over the schema's defaults, each with what to watch. */
import type { SceneState } from './schema';

export interface Preset {
  readonly id: string;
  readonly title: string;
  /** One or two sentences: what to look at. */
  readonly watch: string;
  readonly state: Partial<SceneState>;
}

/**
 * Both crossing presets share every setting except the landscape, so switching compares like with like
 * (the regular minimum uses them too).
 */
const crossingScene: Partial<SceneState> = {
  n: 1000,
  betaAuto: true,
  prior: 'box',
  R: 1,
  sampler: 'mala',
  init: 'prior',
};

/**
 * The post's comparison in function space: the two orderings share every other setting. Walkers start
 * from the prior, not at the constant fit w*, so the shares are not the start's.
 */
const polyFunctionScene: Partial<SceneState> = {
  ...crossingScene,
  landscape: 'poly',
  polyData: '1:1',
  n: 100,
  R: 2,
  steps: 8,
  // The automatic ε (0.023 at n = 100) leaves MALA accepting ~8% of moves in this 15-D model
  // started from the prior; ε = 0.002 accepts ~80% (occam-lens llc --model poly:1,2,3,4,5 --init prior).
  epsAuto: false,
  eps: 0.002,
};

/** The SGD-vs-Bayes presets share the CLI's defaults (occam-lens sgd-vs-bayes), only the target differs. */
const sgdScene: Partial<SceneState> = {
  sgd: true,
  fspace: false,
  sgTrain: 32,
  sgSeed: 1,
  sgOptimizer: 'adam',
  sgLr: 0.01,
  sgLoss: 'ce',
  sgBatch: 32,
  sgEpochs: 1000,
  sgInputs: 7,
  sgHidden: '40,40',
  sgAct: 'relu',
  sgInit: 'gauss',
  sgSw: 1,
  sgSb: 1,
  sgDomain: '01',
};

export const presets: readonly Preset[] = [
  {
    id: 'analytic-crossing',
    title: 'Analytic crossing: mass piles up at the singularity',
    watch:
      'L = w₁²w₂²: the two valleys meet at the origin, where the volume of near-optimal parameters is largest (λ = 1/2, m = 2). ' +
      'Raise n and the share of walkers within any fixed distance of the crossing keeps growing, as log(r√(nβ))/log √(nβ) ' +
      '(the HUD’s mass near point: within the fixed radius r = 0.1).',
    state: { ...crossingScene, landscape: 'crossing', a: 1, b: 1, massR: 0.1 },
  },
  {
    id: 'non-analytic-crossing',
    title: 'Non-analytic crossing: the walk does not sit at the singularity',
    watch:
      'L = min(w₁², w₂²) has the same valleys, but the loss is not analytic at the origin. ' +
      'The walkers spread evenly along both valleys and the crossing collects no extra mass (mass near point: within r = 0.1).',
    state: { ...crossingScene, landscape: 'min-crossing', massR: 0.1 },
  },
  {
    id: 'regular-minimum',
    title: 'Regular minimum',
    watch:
      'L = w₁² + w₂²: the posterior is a Gaussian of width 1/√(2nβ), and λ̂ settles at d/2 = 1. ' +
      'The walker histogram and the exact density should be indistinguishable.',
    state: { ...crossingScene, landscape: 'bowl', zoom: true },
  },
  {
    id: 'higher-order-crossing',
    title: 'Higher-order crossing',
    watch:
      'L = w₁⁴w₂²: across the valley w₁ = 0 the loss rises only as w₁⁴, so that valley is wider and holds more walkers than w₂ = 0. ' +
      'The flatter direction sets λ = 1/(2·max(a, b)) = 1/4, with m = 1.',
    state: { ...crossingScene, landscape: 'crossing', a: 2, b: 1 },
  },
  {
    id: 'formula-cusp',
    title: 'A loss you type: w₁²·w₂⁴',
    watch:
      'Landscape → Formula: edit L(w) and press Enter, and the surface and the walkers follow; named constants (any name but ' +
      'w1 … w32) become sliders that only rewrite a uniform. Here λ = 1/4, set by the flatter w₂ direction.',
    state: { ...crossingScene, landscape: 'formula', formula: 'w1^2 * w2^4' },
  },
  {
    id: 'poly-12345',
    title: 'The post’s polynomial: m = (1, 2, 3, 4, 5), 15 parameters',
    watch:
      'f(x) = Σ c_k x^k with c_k a product of m_k parameters, fitted to the point (1, 1). The walkers live in 15 dimensions; the surface ' +
      'is the loss on the plane through w* along two chosen parameters (Landscape → Slice), the walkers drawn at those two coordinates.',
    state: {
      ...crossingScene,
      landscape: 'poly',
      polyM: '1,2,3,4,5',
      polyData: '1:1',
      R: 2,
      init: 'wstar',
      steps: 4,
      axisX: 2,
      axisY: 3,
    },
  },
  {
    id: 'poly-54321',
    title: 'The reverse polynomial: m = (5, 4, 3, 2, 1)',
    watch:
      'The same 15 parameters with the redundancy reversed: now the constant term is a product of five parameters. ' +
      'Compare where the walkers settle with m = (1, 2, 3, 4, 5).',
    state: {
      ...crossingScene,
      landscape: 'poly',
      polyM: '5,4,3,2,1',
      polyData: '1:1',
      R: 2,
      init: 'wstar',
      steps: 4,
      axisX: 1,
      axisY: 2,
    },
  },
  {
    id: 'poly-functions-12345',
    title: 'Which function? m = (1, 2, 3, 4, 5) on the point (1, 1)',
    watch:
      'Every f with f(1) = 1 fits the data; the function-space panel sorts the walkers by the monomial 1, x, x², x³ or x⁴ their ' +
      'coefficient vector is nearest to, and draws all their curves. At one data point every monomial’s zero set has the same ' +
      'λ = 1/2, m = 1, so SLT prefers none of them: the constant’s lead is prior volume — exactly 32/24/18/14/12 % at every n ' +
      'from 30 to 10⁵ (the exact reference under the panel; occam-lens which-function), and a share that drifts with n is the ' +
      'sampler, started from the prior, still moving.',
    state: { ...polyFunctionScene, polyM: '1,2,3,4,5', axisX: 1, axisY: 11 },
  },
  {
    id: 'poly-functions-54321',
    title: 'Which function? m = (5, 4, 3, 2, 1) on the point (1, 1)',
    watch:
      'The same model with the parameter counts reversed: now x⁴ is a single parameter and the constant a product of five, and ' +
      'x⁴ takes the largest share. λ is still 1/2 at every monomial, so the preference is the prior volume of each coefficient’s ' +
      'parameterisation, not simplicity and not the learning coefficient: compare the reference line with m = (1, 2, 3, 4, 5).',
    state: { ...polyFunctionScene, polyM: '5,4,3,2,1', axisX: 1, axisY: 15 },
  },
  {
    id: 'mlp-3-4',
    title: 'Truth of width 3, model of width 4',
    watch:
      'A one-hidden-layer tanh network of width 4 fitted to data from a width-3 teacher (12 parameters). The spare unit makes the ' +
      'true parameters a singular set; the slice shows the loss along two of the spare unit’s weights.',
    state: {
      ...crossingScene,
      landscape: 'mlp',
      mlpTeacher: 3,
      mlpWidth: 4,
      mlpAct: 'tanh',
      R: 3,
      init: 'wstar',
      steps: 2,
      axisX: 10,
      axisY: 12,
    },
  },
  {
    id: 'rrr-3-2-2-1',
    title: 'Reduced-rank regression: an exact λ to measure against',
    watch:
      'y = BAx with inputs M = 3, outputs N = 2, H = 2 hidden units and a rank-1 teacher (10 parameters): Aoyagi & Watanabe (2005) ' +
      'give λ = 5/2 and m = 1, half the regular count d/2 = 5, and the HUD prints λ̂ beside that exact λ, m. ' +
      'With m = 1 there is no (m − 1)/log nβ term, so λ̂ should agree to a few per cent (occam-lens calibrate: the three m = 1 shapes within 4 % at n = 10⁵).',
    state: {
      ...crossingScene,
      landscape: 'rrr',
      rrrSpec: 'M=3,N=2,H=2,r=1',
      n: 10000,
      R: 3,
      init: 'wstar',
      steps: 4,
      // A's spare row (w4) against B's spare column (w8): the slice is the crossing (w4·w8)² at w*.
      axisX: 4,
      axisY: 8,
    },
  },
  {
    id: 'phase-transition',
    title: 'Phase transition in n (β = 1)',
    watch:
      'A singular valley (λ = ½) at loss ΔL surrounds a regular minimum (λ = 1). Small n favours the valley’s volume, large n the lower loss: ' +
      'the mass near the origin (within r = √ΔL = 0.1, the regular basin, in the HUD and the chart) jumps where n·ΔL ≈ ½·log n ' +
      '(move the n slider and watch the marker cross the predicted line).',
    state: {
      landscape: 'phase-transition',
      n: 300,
      betaAuto: false,
      beta: 1,
      prior: 'box',
      R: 1,
      sampler: 'mala',
      init: 'prior',
      sweep: true,
      massR: 0.1,
    },
  },
  {
    id: 'crossings-vs-n',
    title: 'Concentration vs n: analytic and non-analytic crossings',
    watch:
      'Walker groups at eleven values of n run side by side for w₁²w₂² and min(w₁², w₂²). At the analytic crossing the mass near the ' +
      'origin keeps growing with n, at the non-analytic one it does not (dashed: exact quadrature; ball radius r = 0.1·R).',
    state: { ...crossingScene, landscape: 'crossing', a: 1, b: 1, sweep: true },
  },
  {
    id: 'random-networks',
    title: 'Random networks: a bias toward simple functions',
    watch:
      'Random (7, 40, 40, 1) ReLU networks, each read off as the Boolean function it computes on all 128 inputs and counted in a ' +
      'GPU hash table. A handful of simple functions take most of the probability, and P falls exponentially with K_LZ.',
    state: {
      fspace: true,
      rnInputs: 7,
      rnHidden: '40,40',
      rnAct: 'relu',
      rnInit: 'gauss',
      rnSw: 1,
      rnSb: 1,
      rnDomain: '01',
      rnSeed: 1,
    },
  },
  {
    id: 'poly-gd-12345',
    title: 'SGD vs Bayes, polynomial: m = (1, 2, 3, 4, 5) on the point (1, 1)',
    watch:
      'Gradient-descent fits of the 15-parameter polynomial from θ ~ N(0, 0.5²), counted by the monomial each ends nearest to ' +
      '(orange), beside the walkers’ posterior shares at n = 1000, β = 1 under the same N(0, 0.5²) prior (blue). ' +
      'The CLI gives the same comparison: occam-lens sgd-vs-bayes --model poly:1,2,3,4,5.',
    state: {
      ...polyFunctionScene,
      polyM: '1,2,3,4,5',
      axisX: 1,
      axisY: 11,
      n: 1000,
      betaAuto: false,
      beta: 1,
      prior: 'gauss',
      R: 0.5,
      // The automatic ε (5e-4 at nβ = 1000) left MALA accepting 31% of moves here, ε = 1.5e-4 accepts 86%
      // (HUD in the e2e test's SwiftShader screenshots, 2048 and 512 walkers from the prior).
      epsAuto: false,
      eps: 1.5e-4,
      polyGd: true,
      polyGdScale: 0.5,
      polyGdLr: 0.01,
    },
  },
  {
    id: 'sgd-0011',
    title: 'SGD vs Bayes: the target (0011)³², 32 training points',
    watch:
      'Adam-trained (7, 40, 40, 1) ReLU networks that fit 32 of the 128 points of (0011)³² are counted by the function they ' +
      'compute, beside prior samples that fit the same 32 points (the Bayes posterior under the 0–1 likelihood). A point on the ' +
      'diagonal is a function SGD finds as often as the posterior holds it; the readout gives Spearman and Pearson of log P over the functions both have seen.',
    state: { ...sgdScene, sgTarget: '0011' },
  },
  {
    id: 'sgd-zeros',
    title: 'SGD vs Bayes: the all-zeros target, 32 training points',
    watch:
      'The same comparison for the simplest target, the constant 0: trained networks and prior samples that output 0 on the 32 ' +
      'training points, counted by the function they compute on all 128, with the test error of each on the other 96.',
    state: { ...sgdScene, sgTarget: 'zeros' },
  },
];

export function findPreset(id: string): Preset | undefined {
  return presets.find((p) => p.id === id);
}
