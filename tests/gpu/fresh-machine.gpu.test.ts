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

  const NPM_SWIFTSHADER =
    /via SwiftShader \(software Vulkan from npm @sparticuz\/chromium [\d.]+, the package's Vulkan loader\)/;
  const fresh = (...argv: string[]) =>
    spawnSync('sh', ['scripts/fresh-machine.sh', 'node', 'bin/occam-lens.js', ...argv], {
      encoding: 'utf8',
      timeout: 540_000,
    });

  it('runs `occam-lens llc --landscape crossing --n 10000 --json`: the npm SwiftShader found, the walkers on the CPU', () => {
    // The README's command exactly (its defaults: 1024 walkers, 1000 burn-in + 2000 steps). The only adapter is the
    // npm SwiftShader, a software one, so `--backend auto` runs the walkers on the CPU backend.
    const r = fresh('llc', '--landscape', 'crossing', '--n', '10000', '--json');
    expect(r.stderr, r.stderr).not.toMatch(/fresh-machine:|unshare:|Couldn't load Vulkan/);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout); // throws if anything but the JSON reached stdout
    expect(Number.isFinite(out.lambda_hat)).toBe(true);
    expect(out.converged).toBe(true);
    // The exact finite-n value is 0.3883 (quadrature; tests/cpu/walker-engine-cpu.gpu.test.ts): 5 SE.
    expect(Math.abs(out.lambda_hat - 0.3883)).toBeLessThan(5 * out.lambda_hat_se);
    expect(out.backend).toBe('cpu');
    expect(out.device).toMatch(/^CPU: WebAssembly SIMD \(4 lanes\), \d+ threads?$/);
    const device = /occam-lens: device (.*)/.exec(r.stderr)?.[1] ?? '';
    expect(device).toMatch(NPM_SWIFTSHADER);
    expect(r.stderr).toMatch(/occam-lens: walkers on the CPU: WebAssembly SIMD/);
  }, 600_000);

  it('runs the GPU kernels there too (--backend gpu)', () => {
    const r = fresh(
      'llc',
      '--landscape',
      'crossing',
      '--n',
      '10000',
      '--walkers',
      '256',
      '--burnin',
      '100',
      '--steps',
      '200',
      '--backend',
      'gpu',
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toBe('gpu');
    expect(Number.isFinite(out.lambda_hat)).toBe(true);
    expect(out.device).toMatch(NPM_SWIFTSHADER);
    expect(r.stderr).toContain(`occam-lens: device ${out.device}`);
  }, 600_000);
});
