/**
 * The scene state, declared once. Every field has a key (also its URL key), a type, a default and a
 * range; the TypeScript type of the state, the defaults, the URL hash codec, JSON import/export, the
 * presets and the GUI controls are all derived from this table. Untrusted input (a hash, an imported
 * file) goes through `parseState`, which names every field it rejects.
 */

import {
  ACTIVATIONS,
  INIT_KINDS,
  INPUT_DOMAINS,
  MAX_INPUTS,
  parseHiddenWidths,
} from '../core/function-space/randnet';
import { checkTargetText } from '../core/function-space/sgd-task';
import { LOSSES, OPTIMIZERS } from '../core/function-space/sgd-twin';
import { landscapes } from '../core/landscapes/landscapes';
import { APP_LANDSCAPES } from './landscape';
import {
  checkConstants,
  checkFormula,
  checkPolyData,
  checkPolyM,
  checkRrrSpec,
  MAX_FORMULA_TEXT,
} from './specs';
import { MAX_WALKERS } from './walker-count';

/**
 * The control panel's folders, in order. `walkers`: about the walkers (hidden while a function-space
 * mode has the stage); `closed`: folded at start.
 */
export const FOLDERS = {
  Landscape: { walkers: true },
  Posterior: { walkers: true },
  Sampler: { walkers: true, closed: true },
  Run: {},
  Analysis: { walkers: true },
  'Function space': {},
  'SGD vs Bayes': {},
  View: { closed: true },
} as const satisfies Record<string, { readonly walkers?: boolean; readonly closed?: boolean }>;
export type Folder = keyof typeof FOLDERS;

interface BaseField {
  readonly label: string;
  readonly help?: string;
  /** The GUI folder the field's control is in; none: a panel of its own draws it (landscape-panel.ts). */
  readonly folder?: Folder;
  /** The `occam-lens` flag that sets this field; the CLI takes the flag's default from here (src/cli/schema-flags.ts). */
  readonly cli?: CliFlag;
}
/** The CLI's command groups: run = llc, sample and sweep (src/cli/args.ts). */
export type CliCommand = 'run' | 'randnet' | 'sgd-vs-bayes';
export interface CliFlag {
  readonly command: CliCommand;
  readonly flag: string;
}
interface NumberField extends BaseField {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Varies on a log scale (a shot tweens it geometrically). */
  readonly log?: boolean;
  readonly integer?: boolean;
  /** The GUI slider's [min, max, step] where the validation range is too wide for one (it still validates). */
  readonly slider?: readonly [number, number, number];
  /** A log₁₀ slider instead: [min exponent, max exponent]; the number box still shows the value. */
  readonly logSlider?: readonly [number, number];
}
interface BoolField extends BaseField {
  readonly kind: 'bool';
  readonly default: boolean;
}
interface EnumField<T extends string> extends BaseField {
  readonly kind: 'enum';
  readonly options: readonly T[];
  readonly default: T;
}
/** Free text checked by a validator (formula text, model specs): never reaches WGSL unparsed. */
interface TextField extends BaseField {
  readonly kind: 'text';
  readonly default: string;
  readonly maxLength: number;
  /** An error message for unacceptable text, or null. */
  readonly check?: (text: string) => string | null;
}
export type Field = NumberField | BoolField | EnumField<string> | TextField;

const num = (
  label: string,
  def: number,
  min: number,
  max: number,
  extra: Partial<NumberField> = {},
): NumberField => ({
  kind: 'number',
  label,
  default: def,
  min,
  max,
  ...extra,
});
const int = (
  label: string,
  def: number,
  min: number,
  max: number,
  extra: Partial<NumberField> = {},
): NumberField => num(label, def, min, max, { ...extra, integer: true });
const bool = (label: string, def: boolean, help?: string): BoolField => ({
  kind: 'bool',
  label,
  default: def,
  help,
});
const oneOf = <const T extends string>(label: string, options: readonly T[], def: T): EnumField<T> => ({
  kind: 'enum',
  label,
  options,
  default: def,
});

const text = (
  label: string,
  def: string,
  check: (text: string) => string | null,
  maxLength = 200,
  help?: string,
): TextField => ({ kind: 'text', label, default: def, maxLength, check, help });

/** A field that the CLI's `command` also takes, as --flag. */
const cli = <const C extends CliCommand, const F extends string, T extends Field>(
  command: C,
  flag: F,
  field: T,
): T & { readonly cli: { readonly command: C; readonly flag: F } } => ({ ...field, cli: { command, flag } });

/** The same fields, shown in one GUI folder. */
const inFolder = <const T extends Record<string, Field>>(
  folder: Folder,
  fields: T,
): { [K in keyof T]: T[K] & { readonly folder: Folder } } =>
  Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, { ...f, folder }])) as {
    [K in keyof T]: T[K] & { readonly folder: Folder };
  };

const checkHidden = (t: string): string | null => {
  try {
    parseHiddenWidths(t);
    return null;
  } catch (e) {
    return `hidden widths: ${(e as Error).message}`;
  }
};

/** Longest target text: a full 128-bit truth table. */
const MAX_TARGET_TEXT = 2 ** MAX_INPUTS;

/** Built-in landscapes, then the ones the app builds from text (formula) or a model spec (poly, mlp). */
const landscapeIds: [string, ...string[]] = [
  landscapes[0].id,
  ...landscapes.slice(1).map((l) => l.id),
  ...APP_LANDSCAPES,
];

export const schema = {
  ...inFolder('Landscape', {
    landscape: oneOf('landscape', landscapeIds, 'crossing'),
    a: int('a', 1, 1, 6, { help: 'first exponent (crossing, sum of powers)', slider: [1, 6, 1] }),
    b: int('b', 1, 1, 6, { help: 'second exponent (crossing, sum of powers)', slider: [1, 6, 1] }),
  }),
  ...inFolder('Posterior', {
    n: cli(
      'run',
      'n',
      num('n', 1000, 2, 1e8, { log: true, help: 'nominal sample size', logSlider: [0.5, 8] }),
    ),
    betaAuto: bool('β = 1/log n', true, 'Watanabe’s WBIC temperature'),
    beta: num('β', 1 / Math.log(1000), 1e-4, 10, { slider: [0.01, 2, 0.001] }),
    prior: oneOf('prior', ['box', 'gauss'] as const, 'box'),
    R: num('prior R / σ', 1, 0.01, 100, { slider: [0.05, 5, 0.01] }),
    gamma: cli('run', 'gamma', num('localisation γ', 0, 0, 1e6)),
    wx: num('w*₁', 0, -10, 10, { slider: [-2, 2, 0.01] }),
    wy: num('w*₂', 0, -10, 10, { slider: [-2, 2, 0.01] }),
  }),
  ...inFolder('Sampler', {
    sampler: cli('run', 'sampler', oneOf('sampler', ['mala', 'ula'] as const, 'mala')),
    epsAuto: bool('auto step', true, 'ε = min(0.1·R², 0.5/nβ)'),
    eps: num('step ε', 1e-3, 1e-9, 1, { log: true, logSlider: [-9, 0] }),
    walkers: cli('run', 'walkers', int('walkers (0 = auto)', 0, 0, MAX_WALKERS)),
    steps: int('steps / frame', 8, 1, 2000, { slider: [1, 200, 1] }),
  }),
  ...inFolder('Run', {
    running: bool('running', true),
    seed: cli('run', 'seed', int('seed', 1, 0, 2 ** 32 - 1)),
    // mixed: even walkers at w*, odd ones from the prior, so the HUD can see walkers that have not mixed.
    init: cli('run', 'init', oneOf('start at', ['mixed', 'wstar', 'prior'] as const, 'mixed')),
  }),
  ...inFolder('View', {
    surface: bool('surface', true),
    points: bool('walkers', true),
    density: bool('density panels', true),
    exact: bool('exact overlay', true),
    logScale: bool('log height', false),
    contours: bool('contours', true),
    pointSize: num('point size (px; ≤ 1: pixels)', 1, 1, 12, { slider: [1, 12, 0.5] }),
    colormap: oneOf('colour map', ['viridis', 'magma'] as const, 'viridis'),
    camera: oneOf('camera', ['orbit', 'top'] as const, 'orbit'),
    zoom: bool('zoom to singular point', false),
    point: int('singular point', 0, 0, 15, { slider: [0, 3, 1] }),
    bins: int('histogram bins', 96, 16, 256, { slider: [16, 256, 16] }),
  }),
  formula: text('L(w) =', 'w1^2 * w2^4', checkFormula, MAX_FORMULA_TEXT, 'loss over w1 … wd'),
  fdim: int('dimension d (0 = auto)', 0, 0, 32, { help: 'formula dimension; auto: highest wi used, ≥ 2' }),
  consts: text('constants', '', checkConstants, 400, 'named constants as name=value,…'),
  polyM: text('m (parameters per coefficient)', '1,2,3,4,5', checkPolyM, 40),
  polyData: text('data x:y,…', '1:1', checkPolyData, 400),
  sigma: num('noise σ', 1, 0.01, 10),
  mlpInputs: int('inputs', 1, 1, 2),
  mlpWidth: int('model width', 4, 1, 8),
  mlpTeacher: int('truth (teacher) width', 3, 1, 8),
  mlpAct: oneOf('activation', ['tanh', 'relu', 'softplus'] as const, 'tanh'),
  sharpness: num('softplus sharpness s', 1, 0.1, 50),
  rrrSpec: text(
    'shape M=…,N=…,H=…,r=…',
    'M=3,N=2,H=2,r=1',
    checkRrrSpec,
    80,
    'y = BAx: inputs M, outputs N, rank H, true rank r',
  ),
  axisX: int('slice axis (across)', 1, 1, 32, { help: 'parameter index w_i along the surface’s first axis' }),
  axisY: int('slice axis (depth)', 2, 1, 32, { help: 'parameter index w_j along the surface’s second axis' }),
  ...inFolder('Analysis', {
    charts: bool('LLC charts', true, 'λ̂ over steps with its SE band, loss trace, acceptance'),
    massR: num('mass-near-point radius r (0 = auto: 1/√(nβ))', 0, 0, 10),
    sweep: bool('concentration vs n', false, 'walker groups over a log grid of n, against quadrature'),
    sweepR: num('ball radius r (0 = auto)', 0, 0, 10),
    ladder: bool('temperature ladder (λ, m)', false, 'groups at 8 temperatures: fits λ and m'),
    freeEnergy: bool('free energy vs n', false, 'WBIC at β = 1/log n over n vs theory'),
    generalisation: bool(
      'generalisation vs n',
      false,
      'Bayes generalisation error over n (β = 1) vs λ/n: polynomial model, tiny network',
    ),
  }),
  // Function space (src/app/view/function-space-view.ts): random networks and the functions they compute.
  ...inFolder('Function space', {
    fspace: bool(
      'function space: random networks',
      false,
      'sample random networks, count their Boolean functions (walkers pause)',
    ),
    rnInputs: cli(
      'randnet',
      'inputs',
      int('inputs n (2ⁿ input points)', 7, 1, MAX_INPUTS, { slider: [1, 7, 1] }),
    ),
    rnHidden: cli(
      'randnet',
      'hidden',
      text('hidden widths', '40,40', checkHidden, 40, "comma-separated, e.g. 40,40; 'none' for a perceptron"),
    ),
    rnAct: cli('randnet', 'activation', oneOf('activation', ACTIVATIONS, 'relu')),
    rnInit: cli('randnet', 'init', oneOf('init (weights, biases)', INIT_KINDS, 'gauss')),
    rnSw: cli(
      'randnet',
      'sw',
      num('σw', 1, 0, 100, {
        help: 'weights N(0, σw²/fan_in), or uniform with that variance',
        slider: [0, 4, 0.01],
      }),
    ),
    rnSb: cli(
      'randnet',
      'sb',
      num('σb', 1, 0, 100, {
        help: 'biases N(0, σb²), or uniform with that variance; 0: bias-free',
        slider: [0, 4, 0.01],
      }),
    ),
    rnDomain: cli('randnet', 'domain', oneOf('inputs in', INPUT_DOMAINS, '01')),
    rnSeed: cli('randnet', 'seed', int('network seed', 1, 0, 2 ** 32 - 1)),
    rnCapacity: int('table capacity (slots)', 131072, 256, 1 << 22, {
      help: 'distinct functions the GPU table holds; the rest count as other',
    }),
    rnTarget: num('target networks', 1e6, 1e3, 1e10, { log: true, logSlider: [3, 10] }),
    rnBatch: int('networks / batch (0 = auto)', 0, 0, 1 << 18, { log: true }),
  }),
  // SGD vs Bayes (src/app/view/sgd-bayes-view.ts, issue 13): trained networks against rejection from the prior.
  ...inFolder('SGD vs Bayes', {
    sgd: bool(
      'SGD vs Bayes',
      false,
      'train networks on S and compare P_SGD(f|S) with the posterior P_B(f|S)',
    ),
    sgTarget: text(
      'target function',
      '0011',
      checkTargetText,
      MAX_TARGET_TEXT,
      '0/1 string of length 2ⁿ or a divisor (repeated), zeros, ones, random:K',
    ),
    sgTrain: cli('sgd-vs-bayes', 'train', int('train size |S|', 32, 1, 2 ** MAX_INPUTS)),
    sgSeed: cli('sgd-vs-bayes', 'seed', int('seed (networks, S)', 1, 0, 2 ** 32 - 1)),
    sgOptimizer: cli('sgd-vs-bayes', 'optimizer', oneOf('optimizer', OPTIMIZERS, 'adam')),
    sgLr: cli('sgd-vs-bayes', 'lr', num('learning rate', 0.01, 1e-6, 10, { log: true })),
    sgLoss: cli('sgd-vs-bayes', 'loss', oneOf('loss', LOSSES, 'ce')),
    sgBatch: cli('sgd-vs-bayes', 'batch-size', int('minibatch (gd: all of S)', 32, 1, 128)),
    sgEpochs: cli(
      'sgd-vs-bayes',
      'max-epochs',
      int('max epochs', 1000, 0, 1e6, {
        help: 'a network that has not fitted S by then counts as not converged',
      }),
    ),
    sgInputs: cli('sgd-vs-bayes', 'inputs', int('inputs n', 7, 1, MAX_INPUTS)),
    sgHidden: cli(
      'sgd-vs-bayes',
      'hidden',
      text('hidden widths', '40,40', checkHidden, 40, "comma-separated; 'none' for a perceptron"),
    ),
    sgAct: cli('sgd-vs-bayes', 'activation', oneOf('activation', ACTIVATIONS, 'relu')),
    sgInit: cli('sgd-vs-bayes', 'init', oneOf('init (weights, biases)', INIT_KINDS, 'gauss')),
    sgSw: cli('sgd-vs-bayes', 'sw', num('σw', 1, 0, 100)),
    sgSb: cli('sgd-vs-bayes', 'sb', num('σb', 1, 0, 100)),
    sgDomain: cli('sgd-vs-bayes', 'domain', oneOf('inputs in', INPUT_DOMAINS, '01')),
    sgRuns: cli('sgd-vs-bayes', 'runs', num('networks to train', 1e4, 1, 1e9, { log: true })),
    sgSamples: cli('sgd-vs-bayes', 'samples', num('prior samples (Bayes)', 1e6, 1, 1e12, { log: true })),
  }),
  // The polynomial model's side (src/app/view/poly-gd-panel.ts): gradient-descent fits beside the walkers.
  ...inFolder('Analysis', {
    polyGd: bool(
      'GD fits vs Bayes shares',
      false,
      'polynomial model: gradient-descent fits from near the origin',
    ),
    polyGdScale: num('GD init scale (θ ~ N(0, scale²))', 0.5, 1e-3, 10),
    polyGdLr: num('GD learning rate', 0.01, 1e-6, 1, { log: true }),
    polyGdRuns: num('GD fits', 1e4, 1, 1e7, { log: true }),
  }),
} as const satisfies Record<string, Field>;

export type Schema = typeof schema;
export type Key = keyof Schema;
type ValueOf<F> = F extends NumberField
  ? number
  : F extends BoolField
    ? boolean
    : F extends TextField
      ? string
      : F extends EnumField<infer T>
        ? T
        : never;
export type SceneState = { -readonly [K in Key]: ValueOf<Schema[K]> };

export const keys = Object.keys(schema) as Key[];

export function defaultState(): SceneState {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = schema[k].default;
  return out as SceneState;
}

/** A field that failed validation, named for the user. */
export interface FieldError {
  readonly key: string;
  readonly message: string;
}

/** Validates one untrusted value for a field: a typed value, or an error naming the field. */
export function parseField(key: string, raw: unknown): { value: unknown } | { error: FieldError } {
  if (!Object.hasOwn(schema, key)) return { error: { key, message: `unknown field '${key}'` } };
  const f: Field = schema[key as Key];
  if (f.kind === 'number') {
    const v =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(v))
      return { error: { key, message: `'${key}' must be a number, got ${show(raw)}` } };
    if (f.integer && !Number.isInteger(v))
      return { error: { key, message: `'${key}' must be an integer, got ${v}` } };
    if (v < f.min || v > f.max)
      return { error: { key, message: `'${key}' must be in [${f.min}, ${f.max}], got ${v}` } };
    return { value: v };
  }
  if (f.kind === 'bool') {
    if (raw === true || raw === 'true' || raw === '1') return { value: true };
    if (raw === false || raw === 'false' || raw === '0') return { value: false };
    return { error: { key, message: `'${key}' must be true or false, got ${show(raw)}` } };
  }
  if (f.kind === 'text') {
    if (typeof raw !== 'string')
      return { error: { key, message: `'${key}' must be text, got ${show(raw)}` } };
    if (raw.length > f.maxLength)
      return { error: { key, message: `'${key}' is longer than ${f.maxLength} characters` } };
    const problem = f.check?.(raw) ?? null;
    return problem === null ? { value: raw } : { error: { key, message: `'${key}': ${problem}` } };
  }
  if (typeof raw === 'string' && f.options.includes(raw)) return { value: raw };
  return { error: { key, message: `'${key}' must be one of ${f.options.join(', ')}, got ${show(raw)}` } };
}

function show(raw: unknown): string {
  const s = typeof raw === 'string' ? `'${raw}'` : (JSON.stringify(raw) ?? String(raw));
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/**
 * Applies untrusted fields on top of a base state. All or nothing: if any field is bad the base is
 * returned unchanged together with every error, so the app keeps its last good scene.
 */
export function parseState(
  fields: Readonly<Record<string, unknown>>,
  base: SceneState = defaultState(),
): { state: SceneState; errors: FieldError[] } {
  const next: Record<string, unknown> = { ...base };
  const errors: FieldError[] = [];
  for (const [key, raw] of Object.entries(fields)) {
    const r = parseField(key, raw);
    if ('error' in r) errors.push(r.error);
    else next[key] = r.value;
  }
  return errors.length > 0 ? { state: { ...base }, errors } : { state: next as SceneState, errors };
}

/** Canonical number text for URLs: short, and exact for the values the GUI produces. */
const numText = (v: number): string => String(Number(v.toPrecision(12)));

/** Fields that differ from the defaults, as URL text. */
export function diffFromDefaults(state: SceneState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = state[k];
    if (v === schema[k].default) continue;
    out[k] = typeof v === 'number' ? numText(v) : String(v);
  }
  return out;
}
