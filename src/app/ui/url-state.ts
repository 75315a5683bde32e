/**
 * URL hash and JSON codecs for the scene state, derived from the schema. The hash lists only the fields
 * that differ from the defaults (`#landscape=bowl&n=10000`), optionally after a preset
 * (`#preset=regular-minimum&n=10000`: the preset's fields, then the overrides).
 */
import { findPreset, presets } from '../../scene/presets';
import {
  defaultState,
  diffFromDefaults,
  type FieldError,
  keys,
  parseField,
  parseState,
  type SceneState,
} from '../../scene/schema';

export interface DecodedState {
  readonly state: SceneState;
  readonly errors: readonly FieldError[];
  readonly presetId?: string;
}

/**
 * Reads a hash (with or without '#'). A link keeps its valid fields: each bad field (or an unknown
 * preset) is reported and left at its default (or the preset's value), the rest apply. Only a hash
 * that is not key=value text at all gives back `base` unchanged.
 */
export function decodeHash(hash: string, base: SceneState = defaultState()): DecodedState {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.trim() === '') return { state: base, errors: [] };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    return { state: base, errors: [{ key: '#', message: 'the URL hash is not key=value text' }] };
  }
  const fields: Record<string, string> = {};
  const errors: FieldError[] = [];
  let presetId: string | undefined;
  for (const [key, value] of params) {
    if (key === 'preset') {
      presetId = value;
      continue;
    }
    if (Object.hasOwn(fields, key)) errors.push({ key, message: `'${key}' appears twice` });
    fields[key] = value;
  }
  let start = defaultState();
  if (presetId !== undefined) {
    const preset = findPreset(presetId);
    if (!preset) {
      const known = presets.map((p) => p.id).join(', ');
      errors.push({ key: 'preset', message: `unknown preset '${presetId}' (presets: ${known})` });
      presetId = undefined;
    } else {
      start = { ...start, ...preset.state };
    }
  }
  // Field by field: a bad field is named and dropped, the good ones still apply.
  const next: Record<string, unknown> = { ...start };
  for (const [key, raw] of Object.entries(fields)) {
    if (errors.some((e) => e.key === key)) continue;
    const r = parseField(key, raw);
    if ('error' in r) errors.push(r.error);
    else next[key] = r.value;
  }
  return { state: next as SceneState, errors, presetId };
}

export function encodeHash(state: SceneState, presetId?: string): string {
  const params = new URLSearchParams();
  const preset = presetId === undefined ? undefined : findPreset(presetId);
  let base = defaultState();
  if (preset) {
    params.set('preset', preset.id);
    base = { ...base, ...preset.state };
  }
  // diffFromDefaults gives canonical text; compare against the preset-applied base.
  const text = diffFromDefaults(state);
  for (const k of keys) {
    if (state[k] !== base[k]) params.set(k, text[k] ?? String(state[k]));
  }
  const s = params.toString();
  return s === '' ? '' : `#${s}`;
}

/** The whole state as pretty JSON (every field, so a file is self-describing). */
export function exportJson(state: SceneState): string {
  return JSON.stringify({ occamLens: 1, state }, null, 2);
}

/** Parses an imported JSON file; accepts `{ state: {...} }` or a bare field object. */
export function importJson(text: string, base: SceneState): DecodedState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { state: base, errors: [{ key: 'file', message: `not JSON: ${(e as Error).message}` }] };
  }
  const obj =
    data !== null && typeof data === 'object' && 'state' in data ? (data as { state: unknown }).state : data;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return { state: base, errors: [{ key: 'file', message: 'expected an object of scene fields' }] };
  }
  const parsed = parseState(obj as Record<string, unknown>, defaultState());
  return parsed.errors.length > 0
    ? { state: base, errors: parsed.errors }
    : { state: parsed.state, errors: [] };
}
