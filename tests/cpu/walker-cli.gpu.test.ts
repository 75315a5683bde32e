/**
 * `occam-lens llc --backend auto|gpu|cpu`: which kernels advance the walkers, what the output says,
 * and the refusals (never a silent fall-back). The test device is SwiftShader (a software adapter),
 * where `auto` means the CPU.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, jsonLines } from '../helpers/cli';
import { noGpu } from '../helpers/gpu';

const small = [
  '--landscape',
  'crossing',
  '--n',
  '1000',
  '--walkers',
  '256',
  '--steps',
  '64',
  '--burnin',
  '32',
];

describe.skipIf(noGpu)('llc --backend', () => {
  it('auto on a software adapter runs the CPU kernels and says so; gpu keeps the GPU kernels', async () => {
    const auto = await cli('llc', ...small, '--json', '--quiet');
    expect(auto.code).toBe(0);
    const a = jsonLines(auto.stdout)[0];
    expect(a.backend).toBe('cpu');
    expect(a.device).toMatch(/^CPU: WebAssembly SIMD/);
    expect(auto.stderr).toMatch(/walkers on the CPU/);
    const gpu = await cli('llc', ...small, '--json', '--quiet', '--backend', 'gpu');
    expect(gpu.code).toBe(0);
    const g = jsonLines(gpu.stdout)[0];
    expect(g.backend).toBe('gpu');
    expect(g.device).not.toMatch(/CPU/);
    // Same counters, same estimator: the two agree within 5 combined SE.
    expect(Math.abs(a.lambda_hat - g.lambda_hat)).toBeLessThan(
      5 * Math.hypot(a.lambda_hat_se, g.lambda_hat_se),
    );
  }, 120_000);

  it('reproduces a CPU run exactly with the same seed', async () => {
    const run = async () =>
      jsonLines((await cli('llc', ...small, '--json', '--quiet', '--backend', 'cpu')).stdout)[0];
    const [x, y] = [await run(), await run()];
    expect(y.lambda_hat).toBe(x.lambda_hat);
    expect(y.mean_loss).toBe(x.mean_loss);
    expect(y.rhat).toBe(x.rhat);
  }, 120_000);

  it('refuses --backend cpu where only the GPU kernels work, and a bad value', async () => {
    expectUsageError(
      await cli('llc', ...small, '--backend', 'cpu', '--precondition', 'full'),
      /--backend cpu: .*dense metric/,
    );
    expectUsageError(
      await cli('llc', ...small, '--backend', 'cpu', '--ladder', '3'),
      /--backend cpu: .*GPU only/,
    );
    expectUsageError(
      await cli('llc', ...small, '--backend', 'tpu'),
      /--backend: expected one of auto, gpu, cpu/,
    );
  }, 60_000);

  it('auto falls back to the GPU kernels for what the CPU does not run (the dense metric)', async () => {
    const r = await cli('llc', ...small, '--precondition', 'full', '--json', '--quiet');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)[0].backend).toBe('gpu');
  }, 120_000);
});
