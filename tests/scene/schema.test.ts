/** The scene-state schema and its codecs: URL hash, JSON, presets. */
import { describe, expect, test } from 'vitest';
import { decodeHash, encodeHash, exportJson, importJson } from '../../src/app/ui/url-state';
import { findLandscape } from '../../src/core/landscapes/landscapes';
import { derive } from '../../src/scene/derive';
import { APP_LANDSCAPES } from '../../src/scene/landscape';
import { presets } from '../../src/scene/presets';
import { defaultState, FOLDERS, keys, parseField, parseState, schema } from '../../src/scene/schema';
import { AUTO_WALKERS, resolveWalkerCount } from '../../src/scene/walker-count';

describe('schema', () => {
  test('the GUI metadata: every folder exists, sliders lie inside the validation range', () => {
    for (const k of keys) {
      const f: (typeof schema)[typeof k] = schema[k];
      if (f.folder !== undefined) expect(Object.keys(FOLDERS), k).toContain(f.folder);
      if (f.kind !== 'number') continue;
      const s = 'slider' in f ? f.slider : undefined;
      if (s) expect(s[0] >= f.min && s[1] <= f.max && s[2] > 0, k).toBe(true);
      const l = 'logSlider' in f ? f.logSlider : undefined;
      if (l) expect(10 ** l[0] >= f.min && 10 ** l[1] <= f.max && f.log, k).toBe(true);
    }
  });

  test('defaults satisfy their own ranges', () => {
    const d = defaultState();
    for (const k of keys) expect(parseField(k, d[k]), k).toEqual({ value: d[k] });
  });

  test('the opening scene is the analytic crossing at n = 1000 with β = 1/log n', () => {
    const d = derive(defaultState());
    expect(d.landscape.id).toBe('crossing');
    expect(d.params).toEqual([1, 1]);
    expect(d.beta).toBeCloseTo(1 / Math.log(1000), 12);
    expect(d.window).toEqual({ lo: [-1, -1], hi: [1, 1] });
  });

  test('bad values are rejected with the field named, and nothing is applied', () => {
    const base = defaultState();
    const r = parseState({ n: 'banana', landscape: 'bowl', a: 2.5, sampler: 'hmc', nope: 1 }, base);
    expect(r.state).toEqual(base);
    const named = r.errors.map((e) => e.key).sort();
    expect(named).toEqual(['a', 'n', 'nope', 'sampler']);
    expect(r.errors.find((e) => e.key === 'n')?.message).toContain("'n' must be a number");
    expect(parseField('n', 1)).toHaveProperty('error');
    expect(parseField('walkers', -5)).toHaveProperty('error');
    expect(parseField('running', 'yes')).toHaveProperty('error');
    expect(parseField('__proto__', 1)).toHaveProperty('error');
    expect(parseField('n', 'Infinity')).toHaveProperty('error');
  });

  test('every landscape in the registry is a schema option', () => {
    // The app-built landscapes (formula, poly, mlp) are options too; every other option is in the registry.
    const appBuilt: readonly string[] = APP_LANDSCAPES;
    for (const id of schema.landscape.options)
      if (!appBuilt.includes(id)) expect(findLandscape(id), id).toBeDefined();
    for (const id of APP_LANDSCAPES) expect(schema.landscape.options, id).toContain(id);
  });
});

describe('URL hash', () => {
  test('round-trips every field that differs from the defaults', () => {
    const s = {
      ...defaultState(),
      landscape: 'sum-of-powers',
      a: 3,
      n: 12345.5,
      sampler: 'ula',
      seed: 4294967295,
      zoom: true,
    } as const;
    const hash = encodeHash(s);
    expect(hash).toBe('#landscape=sum-of-powers&a=3&n=12345.5&sampler=ula&seed=4294967295&zoom=true');
    expect(decodeHash(hash)).toEqual({ state: s, errors: [], presetId: undefined });
    expect(encodeHash(defaultState())).toBe('');
  });

  test('a preset hash applies the preset, then overrides', () => {
    for (const p of presets) {
      const r = decodeHash(`#preset=${p.id}&walkers=8192`);
      expect(r.errors, p.id).toEqual([]);
      expect(r.presetId).toBe(p.id);
      expect(r.state).toEqual({ ...defaultState(), ...p.state, walkers: 8192 });
      expect(decodeHash(encodeHash(r.state, p.id))).toEqual(r);
    }
  });

  test('a hash with a bad field keeps its valid fields and names the bad one', () => {
    const base = { ...defaultState(), n: 5000 };
    const r = decodeHash('#n=banana&landscape=bowl', base);
    // The link's good field applies; the bad one keeps its default (not the base's 5000).
    expect(r.state).toEqual({ ...defaultState(), landscape: 'bowl' });
    expect(r.errors.map((e) => e.key)).toEqual(['n']);
    // An unknown preset is dropped, the fields after it still apply.
    const p = decodeHash('#preset=nope&seed=5', base);
    expect(p.state).toEqual({ ...defaultState(), seed: 5 });
    expect(p.presetId).toBeUndefined();
    expect(decodeHash('#preset=nope', base).errors[0].message).toContain("unknown preset 'nope'");
    expect(decodeHash('#n=1&n=2', base).errors[0].key).toBe('n');
  });
});

describe('presets', () => {
  test('each preset is valid, says what to watch, and the two crossings differ only in the landscape', () => {
    for (const p of presets) {
      expect(parseState(p.state).errors, p.id).toEqual([]);
      expect(p.watch.length).toBeGreaterThan(40);
      expect(p.watch.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 3).length).toBeLessThanOrEqual(2);
    }
    const titles = presets.map((p) => p.title);
    expect(titles).toContain('Analytic crossing: mass piles up at the singularity');
    expect(titles).toContain('Non-analytic crossing: the walk does not sit at the singularity');
    expect(titles).toContain('Regular minimum');
    expect(titles).toContain('Higher-order crossing');
    const a = presets.find((p) => p.id === 'analytic-crossing')!.state;
    const b = presets.find((p) => p.id === 'non-analytic-crossing')!.state;
    const { landscape: _la, a: _a, b: _b, ...restA } = a;
    const { landscape: _lb, ...restB } = b;
    expect(restA).toEqual(restB);
  });
});

describe('JSON', () => {
  test('export then import reproduces the state; a bad file names its field', () => {
    const s = { ...defaultState(), landscape: 'bowl', gamma: 100, seed: 7 } as const;
    expect(importJson(exportJson(s), defaultState())).toEqual({ state: s, errors: [] });
    const base = defaultState();
    const bad = importJson('{"state":{"gamma":-1}}', base);
    expect(bad.state).toBe(base);
    expect(bad.errors[0].key).toBe('gamma');
    expect(importJson('not json', base).errors[0].key).toBe('file');
  });
});

describe('walker count', () => {
  test('auto picks by adapter kind; a count beyond the device limit is capped and flagged', () => {
    expect(resolveWalkerCount(0, true, 1e9)).toEqual({
      count: AUTO_WALKERS.software,
      capped: false,
      limit: 1e9,
    });
    expect(resolveWalkerCount(0, false, 1e9).count).toBe(AUTO_WALKERS.hardware);
    expect(resolveWalkerCount(5000, false, 4096)).toEqual({ count: 4096, capped: true, limit: 4096 });
    expect(resolveWalkerCount(4096, false, 4096).capped).toBe(false);
  });

  test('zoom frames the singular point at a scale 4/√(nβ), never wider than the prior box', () => {
    const base = { ...defaultState(), zoom: true };
    const d1 = derive({ ...base, n: 1000 });
    const d2 = derive({ ...base, n: 1e6 });
    expect(d1.window.hi[0]).toBeCloseTo(4 / Math.sqrt(d1.nbeta), 12);
    expect(d2.window.hi[0] / d1.window.hi[0]).toBeCloseTo(Math.sqrt(d1.nbeta / d2.nbeta), 12);
    expect(derive({ ...base, n: 3 }).window.hi[0]).toBe(1);
  });
});
