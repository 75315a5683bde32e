/**
 * recordClip's contract with the capture controller: every begin() (the controller turns busy) is
 * matched by an end(), whatever throws. A clip asked for before the scene runs used to throw between
 * the two and leave the controller refusing every later recording ("a recording is already running").
 */
import { describe, expect, test, vi } from 'vitest';
import type { CaptureHost } from '../../../src/app/capture/capture-target';
import { type RecordingEnv, recordClip } from '../../../src/app/capture/recording';

function env(target: unknown): {
  env: RecordingEnv;
  begin: ReturnType<typeof vi.fn>;
  end: ReturnType<typeof vi.fn>;
} {
  const begin = vi.fn(() => ({ cancel: false, frames: 0, total: 1, t0: 0 }));
  const end = vi.fn();
  const host = {
    device: () => ({ lost: new Promise(() => {}), limits: { maxTextureDimension2D: 8192 } }),
    target: () => target,
    presetId: () => undefined,
    state: () => ({}),
    notice: () => {},
  } as unknown as CaptureHost;
  return {
    begin,
    end,
    env: {
      host,
      ui: { show: () => {}, hide: () => {} } as unknown as RecordingEnv['ui'],
      baseName: () => 'clip',
      composed: () => {},
      begin,
      progress: () => ({ active: false, frames: 0, total: 0, etaSeconds: 0 }),
      end,
    },
  };
}

describe('recordClip and the controller', () => {
  test('no scene yet: the clip is refused with the reason and the controller never turns busy', async () => {
    const e = env(null);
    await expect(recordClip(e.env, { width: 64, height: 64 })).rejects.toThrow(
      /the scene is not running yet/,
    );
    expect(e.begin).not.toHaveBeenCalled();
    expect(e.end).not.toHaveBeenCalled();
  });

  test('a throw while the clip is set up (here: no DOM to draw into) leaves begin and end balanced', async () => {
    const e = env({ view: {} });
    await expect(recordClip(e.env, { width: 64, height: 64 })).rejects.toThrow();
    expect(e.begin.mock.calls.length).toBe(e.end.mock.calls.length);
  });
});
