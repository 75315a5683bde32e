/**
 * Scripted shots: a small JSON format that plays identically every time.
 *
 * ```json
 * { "occamLensShot": 1, "title": "…", "preset": "analytic-crossing", "state": { "walkers": 32768 },
 *   "duration": 8, "fps": 30, "width": 1280, "height": 720,
 *   "keyframes": [ { "t": 0, "n": 10, "camera": { "azimuth": 35, "elevation": 30 } },
 *                  { "t": 8, "n": 100000, "camera": { "azimuth": 125 } } ] }
 * ```
 *
 * `state` overrides the preset's fields (validated like the URL hash). A keyframe sets any scene field
 * at time `t` (seconds): numeric fields interpolate between keyframes (log-scale fields such as n and ε
 * geometrically, integers rounded), booleans and choices hold until the next keyframe. `camera` keys
 * (azimuth and elevation in degrees, distance in scene units) interpolate linearly; `ease` on a
 * keyframe ("linear" default, or "smooth") shapes the segment that ends at it.
 */
import { findPreset, presets } from './presets';
import { defaultState, type Key, parseField, parseState, type SceneState, schema } from './schema';

export const SHOT_FPS = [30, 60] as const;
export type ShotFps = (typeof SHOT_FPS)[number];
/** Frame size limits: even, and within what H.264 level 5.1 and VP9 encode everywhere. */
export const SHOT_SIZE = { min: 64, maxWidth: 3840, maxHeight: 2160 } as const;
export const SHOT_MAX_DURATION = 600;

export interface CameraPose {
  /** Degrees around the vertical axis, 0 = looking along −z from +z. */
  readonly azimuth: number;
  /** Degrees above the floor plane. */
  readonly elevation: number;
  /** Distance from the orbit target, scene units (the window spans [−1, 1]), on a wide stage; a narrow one backs off as the app does. */
  readonly distance: number;
}
const CAMERA_RANGE: Record<keyof CameraPose, [number, number]> = {
  azimuth: [-3600, 3600],
  elevation: [-89, 89],
  distance: [0.5, 50],
};
/** The opening pose of the app's orbit camera (see SceneView). */
export const DEFAULT_CAMERA: CameraPose = { azimuth: 40.5, elevation: 28.3, distance: 4.1 };

export interface Keyframe {
  readonly t: number;
  readonly fields: Partial<SceneState>;
  readonly camera: Partial<CameraPose>;
  readonly ease: 'linear' | 'smooth';
}

export interface Shot {
  readonly title: string;
  readonly preset: string | undefined;
  /** Preset fields, then the shot's `state` overrides, on top of the defaults. */
  readonly state: SceneState;
  readonly duration: number;
  readonly fps: ShotFps;
  readonly width: number;
  readonly height: number;
  readonly keyframes: readonly Keyframe[];
  /** Frames in the clip: round(duration · fps). */
  readonly frames: number;
}

export class ShotError extends Error {
  override readonly name = 'ShotError';
  constructor(readonly errors: readonly string[]) {
    super(`invalid shot: ${errors.join('; ')}`);
  }
}

const TOP_KEYS = new Set([
  'occamLensShot',
  'title',
  'preset',
  'state',
  'duration',
  'fps',
  'width',
  'height',
  'keyframes',
]);

const isObject = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/** Parses and validates a shot (text or parsed JSON). Throws ShotError naming every bad field. */
export function parseShot(input: string | unknown): Shot {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (e) {
      throw new ShotError([`not JSON: ${(e as Error).message}`]);
    }
  }
  if (!isObject(data)) throw new ShotError(['a shot is a JSON object']);
  const errors: string[] = [];
  for (const k of Object.keys(data)) if (!TOP_KEYS.has(k)) errors.push(`unknown field '${k}'`);
  if (data.occamLensShot !== undefined && data.occamLensShot !== 1)
    errors.push(`'occamLensShot' must be 1, got ${JSON.stringify(data.occamLensShot)}`);
  const title = data.title === undefined ? 'shot' : data.title;
  if (typeof title !== 'string') errors.push(`'title' must be a string`);

  let base = defaultState();
  let preset: string | undefined;
  if (data.preset !== undefined) {
    if (typeof data.preset !== 'string' || !findPreset(data.preset)) {
      errors.push(
        `'preset' must be one of ${presets.map((p) => p.id).join(', ')}, got ${JSON.stringify(data.preset)}`,
      );
    } else {
      preset = data.preset;
      base = { ...base, ...findPreset(preset)!.state };
    }
  }
  let state = base;
  if (data.state !== undefined) {
    if (!isObject(data.state)) errors.push(`'state' must be an object of scene fields`);
    else {
      const r = parseState(data.state, base);
      for (const e of r.errors) errors.push(`state.${e.key}: ${e.message}`);
      state = r.state;
    }
  }
  const number = (key: string, def: number, ok: (x: number) => boolean, what: string): number => {
    const v = data[key] === undefined ? def : data[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      errors.push(`'${key}' must be ${what}, got ${JSON.stringify(v)}`);
      return def;
    }
    return v;
  };
  const duration = number(
    'duration',
    4,
    (x) => x > 0 && x <= SHOT_MAX_DURATION,
    `in (0, ${SHOT_MAX_DURATION}] s`,
  );
  const fps = number('fps', 30, (x) => (SHOT_FPS as readonly number[]).includes(x), '30 or 60') as ShotFps;
  const even = (max: number) => (x: number) =>
    Number.isInteger(x) && x % 2 === 0 && x >= SHOT_SIZE.min && x <= max;
  const width = number(
    'width',
    1280,
    even(SHOT_SIZE.maxWidth),
    `an even integer in [${SHOT_SIZE.min}, ${SHOT_SIZE.maxWidth}]`,
  );
  const height = number(
    'height',
    720,
    even(SHOT_SIZE.maxHeight),
    `an even integer in [${SHOT_SIZE.min}, ${SHOT_SIZE.maxHeight}]`,
  );

  const keyframes: Keyframe[] = [];
  if (data.keyframes !== undefined && !Array.isArray(data.keyframes))
    errors.push(`'keyframes' must be an array`);
  const rawFrames = Array.isArray(data.keyframes) ? data.keyframes : [];
  rawFrames.forEach((raw: unknown, i) => {
    const at = `keyframes[${i}]`;
    if (!isObject(raw)) {
      errors.push(`${at} must be an object`);
      return;
    }
    const t = raw.t;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > duration) {
      errors.push(`${at}.t must be a time in [0, ${duration}] s, got ${JSON.stringify(t)}`);
      return;
    }
    const prev = keyframes[keyframes.length - 1];
    if (prev && t <= prev.t) errors.push(`${at}.t must be later than the keyframe before (${prev.t} s)`);
    const fields: Record<string, unknown> = {};
    const camera: Record<string, number> = {};
    let ease: Keyframe['ease'] = 'linear';
    for (const [key, value] of Object.entries(raw)) {
      if (key === 't') continue;
      if (key === 'ease') {
        if (value !== 'linear' && value !== 'smooth') errors.push(`${at}.ease must be linear or smooth`);
        else ease = value;
        continue;
      }
      if (key === 'camera') {
        if (!isObject(value)) {
          errors.push(`${at}.camera must be an object`);
          continue;
        }
        for (const [ck, cv] of Object.entries(value)) {
          const range = CAMERA_RANGE[ck as keyof CameraPose];
          if (!range) errors.push(`${at}.camera: unknown key '${ck}' (azimuth, elevation, distance)`);
          else if (typeof cv !== 'number' || !Number.isFinite(cv) || cv < range[0] || cv > range[1])
            errors.push(
              `${at}.camera.${ck} must be a number in [${range[0]}, ${range[1]}], got ${JSON.stringify(cv)}`,
            );
          else camera[ck] = cv;
        }
        continue;
      }
      const r = parseField(key, value);
      if ('error' in r) errors.push(`${at}.${r.error.message}`);
      else fields[key] = r.value;
    }
    keyframes.push({ t, fields: fields as Partial<SceneState>, camera, ease });
  });
  if (errors.length > 0) throw new ShotError(errors);
  return {
    title: title as string,
    preset,
    state,
    duration,
    fps,
    width,
    height,
    keyframes,
    frames: Math.max(1, Math.round(duration * fps)),
  };
}

/** The scene fields and camera pose a shot prescribes at time t (seconds). Pure and deterministic. */
export function shotAt(shot: Shot, t: number): { state: SceneState; camera: CameraPose } {
  const state: Record<string, unknown> = { ...shot.state };
  const camera: Record<string, number> = { ...DEFAULT_CAMERA };
  const fieldKeys = new Set<string>();
  const camKeys = new Set<string>();
  for (const k of shot.keyframes) {
    for (const f of Object.keys(k.fields)) fieldKeys.add(f);
    for (const c of Object.keys(k.camera)) camKeys.add(c);
  }
  for (const key of fieldKeys) {
    const v = track(shot.keyframes, (k) => (k.fields as Record<string, unknown>)[key], t, key as Key);
    if (v !== undefined) state[key] = v;
  }
  for (const key of camKeys) {
    const v = track(shot.keyframes, (k) => (k.camera as Record<string, number>)[key], t, undefined);
    if (typeof v === 'number') camera[key] = v;
  }
  return { state: state as SceneState, camera: camera as unknown as CameraPose };
}

/** One field's value at t: held before the first and after the last keyframe that sets it. */
function track(
  frames: readonly Keyframe[],
  get: (k: Keyframe) => unknown,
  t: number,
  key: Key | undefined,
): unknown {
  let before: Keyframe | undefined;
  let after: Keyframe | undefined;
  for (const k of frames) {
    if (get(k) === undefined) continue;
    if (k.t <= t) before = k;
    else if (!after) after = k;
  }
  if (!before) return after ? get(after) : undefined;
  const a = get(before);
  if (!after || typeof a !== 'number') return a;
  const b = get(after) as number;
  let u = (t - before.t) / (after.t - before.t);
  if (after.ease === 'smooth') u = u * u * (3 - 2 * u);
  const f = key ? schema[key] : undefined;
  let v: number;
  if (f && f.kind === 'number' && f.log && a > 0 && b > 0) v = a * (b / a) ** u;
  else v = a + (b - a) * u;
  if (f && f.kind === 'number') {
    if (f.integer) v = Math.round(v);
    v = Math.min(f.max, Math.max(f.min, Number(v.toPrecision(12))));
  }
  return v;
}
