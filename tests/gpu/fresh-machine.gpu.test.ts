/**
 * Issue 17: the README's quick start on a machine with only Node and npm. scripts/fresh-machine.sh
 * hides Debian's chromium, the system Vulkan loader and ICDs, and the unpacked npm driver in a private
 * mount namespace (and checks that they are gone), so the CLI must find, unpack and load the SwiftShader
 * that `npm ci` installed (@sparticuz/chromium). Never skipped: a machine where the namespace cannot be
 * made fails here, with unshare's message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

describe('the quick start on a fresh machine (no Debian chromium, no system libvulkan)', () => {
  beforeAll(() => {
    execFileSync('node', ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  });

  it('runs `occam-lens llc --landscape crossing --n 10000 --json` on the npm SwiftShader', () => {
    // The README's command exactly (its defaults: 1024 walkers × 2000 steps, about 40 s on SwiftShader).
    const r = spawnSync(
      'sh',
      [
        'scripts/fresh-machine.sh',
        'node',
        'bin/occam-lens.js',
        'llc',
        '--landscape',
        'crossing',
        '--n',
        '10000',
        '--json',
      ],
      { encoding: 'utf8', timeout: 540_000 },
    );
    expect(r.stderr, r.stderr).not.toMatch(/fresh-machine:|unshare:|Couldn't load Vulkan/);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout); // throws if anything but the JSON reached stdout
    expect(Number.isFinite(out.lambda_hat)).toBe(true);
    expect(out.lambda_hat).toBeGreaterThan(0);
    expect(out.device).toMatch(
      /via SwiftShader \(software Vulkan from npm @sparticuz\/chromium [\d.]+, the package's Vulkan loader\)/,
    );
    expect(r.stderr).toContain(`occam-lens: device ${out.device}`);
  }, 600_000);
});
