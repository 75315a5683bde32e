/** Scripted shots: validation names every bad field; interpolation is log-scale for n, held for choices. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { clampScale } from '../../src/app/capture/compositor';
import { DEFAULT_CAMERA, parseShot, ShotError, shotAt } from '../../src/scene/shot';

const base = { duration: 2, fps: 30, width: 320, height: 180 };

describe('shot format', () => {
  test('every example in assets/shots parses', () => {
    const dir = resolve(import.meta.dirname, '../../assets/shots');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const shot = parseShot(readFileSync(resolve(dir, f), 'utf8'));
      expect(shot.frames).toBe(Math.round(shot.duration * shot.fps));
    }
  });

  test('rejects bad fields, naming each', () => {
    const bad = {
      ...base,
      width: 321,
      fps: 24,
      preset: 'nope',
      extra: 1,
      state: { n: -1 },
      keyframes: [{ t: 0, n: 'many' }, { t: 5 }, { t: 1, camera: { azimuth: 'x', zoom: 2 } }],
    };
    let err: ShotError | undefined;
    try {
      parseShot(bad);
    } catch (e) {
      err = e as ShotError;
    }
    expect(err).toBeInstanceOf(ShotError);
    const text = err!.errors.join('\n');
    for (const needle of [
      "'width'",
      "'fps'",
      "'preset'",
      "unknown field 'extra'",
      'state.n',
      'keyframes[0]',
      'keyframes[1].t',
      'keyframes[2].camera.azimuth',
      "unknown key 'zoom'",
    ])
      expect(text).toContain(needle);
    expect(() => parseShot('{ not json')).toThrow(/not JSON/);
  });

  test('n interpolates on a log scale, integers round, enums hold, camera is linear', () => {
    const shot = parseShot({
      ...base,
      preset: 'analytic-crossing',
      keyframes: [
        { t: 0, n: 10, walkers: 1000, landscape: 'crossing', camera: { azimuth: 0 } },
        { t: 2, n: 100000, walkers: 2001, landscape: 'min-crossing', camera: { azimuth: 90 } },
      ],
    });
    const mid = shotAt(shot, 1);
    expect(mid.state.n).toBeCloseTo(1000, 6);
    expect(mid.state.walkers).toBe(1501);
    expect(mid.state.landscape).toBe('crossing');
    expect(mid.camera.azimuth).toBeCloseTo(45);
    expect(mid.camera.elevation).toBe(DEFAULT_CAMERA.elevation);
    expect(shotAt(shot, 2).state.landscape).toBe('min-crossing');
    expect(shotAt(shot, 5).state.n).toBe(100000);
    // The same time gives the same state: shots play identically.
    expect(shotAt(shot, 0.7)).toEqual(shotAt(shot, 0.7));
  });
});

describe('capture scale clamp', () => {
  const limits = { maxTexture: 8192, maxCanvasSide: 16384, maxCanvasArea: 16384 * 16384 };
  test('within limits the requested scale stands', () => {
    expect(clampScale(4, 1, { width: 900, height: 700 }, { width: 1240, height: 700 }, limits)).toEqual({
      scale: 4,
    });
  });
  test('beyond the GPU texture limit it is clamped, with a message naming the limit', () => {
    const r = clampScale(4, 2, { width: 1500, height: 1000 }, { width: 1840, height: 1000 }, limits);
    expect(r.scale).toBeLessThanOrEqual(8192 / 3000);
    expect(r.scale * 2 * 1500).toBeLessThanOrEqual(8192);
    expect(r.message).toMatch(/texture limit of 8192/);
  });
  test('beyond the canvas size limit it is clamped', () => {
    const r = clampScale(4, 1, { width: 100, height: 100 }, { width: 5000, height: 1000 }, limits);
    expect(r.scale * 5000).toBeLessThanOrEqual(16384);
    expect(r.message).toMatch(/canvas size limit/);
  });
});
