/**
 * The GPU plumbing under Dawn: a one-shot pass binds uniform, inputs and outputs in order and reads
 * each output back; the readback helper reuses a persistent staging buffer; reflection gives the
 * sizes the shaders declare, and the engine's public limits agree with them.
 */
import { describe, expect, it } from 'vitest';
import landscapeParamsWgsl from '../../shaders/landscape-params.wgsl';
import polyFunctionsWgsl from '../../shaders/poly-functions.wgsl';
import posteriorWgsl from '../../shaders/posterior.wgsl';
import { LANDSCAPE_VALUES } from '../../src/core/landscapes/landscape-uniforms';
import { MAX_GROUPS } from '../../src/core/walkers/walker-engine';
import { runOnce } from '../../src/gpu/compute-pass';
import { computeLayouts } from '../../src/gpu/layouts';
import { readStaging, submitAndRead } from '../../src/gpu/readback';
import { fieldLength, storageBytes, uniformView } from '../../src/gpu/reflect';
import { assemble, computePipeline, MAX_DIM } from '../../src/gpu/shader-assembly';
import { device, noGpu } from '../helpers/gpu';

const AXPY = `
struct P { a: f32, n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> count: array<u32>;
@compute @workgroup_size(64)
fn axpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p.n) { return; }
  out[i] = p.a * x[i] + y[i];
  if (i == 0u) { count[0] = p.n; }
}`;

describe.skipIf(noGpu)('GPU plumbing', () => {
  it('runOnce binds uniform, data and buffer inputs, then outputs, and reads every output', async () => {
    const d = device!;
    const layouts = computeLayouts(d, 'test/axpy', [
      'uniform',
      'read-only-storage',
      'read-only-storage',
      'storage',
      'storage',
    ]);
    const pipeline = await computePipeline(d, AXPY, 'axpy', layouts.pipeline);
    const n = 100;
    const x = Float32Array.from({ length: n }, (_, i) => i);
    const y = d.createBuffer({ size: 4 * n, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    d.queue.writeBuffer(y, 0, new Float32Array(n).fill(0.5));
    const uniform = new ArrayBuffer(8);
    new Float32Array(uniform, 0, 1)[0] = 2;
    new Uint32Array(uniform, 4, 1)[0] = n;
    const [out, count] = await runOnce(d, {
      label: 'test/axpy',
      pipeline,
      layout: layouts.group,
      uniform,
      inputs: [x, y],
      outputs: [4 * n, 4],
      workgroups: [Math.ceil(n / 64)],
    });
    expect(Array.from(new Float32Array(out))).toEqual(Array.from(x, (v) => 2 * v + 0.5));
    expect(new Uint32Array(count)).toEqual(new Uint32Array([n]));
    y.destroy();
  });

  it('submitAndRead reuses a given staging buffer, left unmapped for the next read', async () => {
    const d = device!;
    const source = d.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const staging = d.createBuffer({ size: 32, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    for (const k of [1, 2]) {
      d.queue.writeBuffer(source, 0, new Uint32Array([k, k + 1, k + 2, k + 3]));
      const got = await submitAndRead(
        d,
        [{ source, bytes: 16, stagingOffset: 16 }],
        'test',
        undefined,
        staging,
      );
      expect(new Uint32Array(got).slice(4)).toEqual(new Uint32Array([k, k + 1, k + 2, k + 3]));
      expect(staging.mapState).toBe('unmapped');
    }
    expect(new Uint32Array(await readStaging(staging, 8)).length).toBe(2);
    source.destroy();
    staging.destroy();
  });

  it('reflection gives the sizes the WGSL declares, and the public limits agree with it', () => {
    const sim = uniformView(assemble(1, posteriorWgsl), 'sim');
    expect(fieldLength(sim, 'wstar')).toBe(MAX_DIM);
    expect(fieldLength(sim, 'group_nbeta')).toBe(MAX_GROUPS);
    expect(fieldLength(sim, 'group_eps')).toBe(MAX_GROUPS);
    expect(uniformView(landscapeParamsWgsl, 'landscape_uniforms').arrayBuffer.byteLength).toBe(
      4 * LANDSCAPE_VALUES,
    );
    expect(storageBytes(assemble(1, polyFunctionsWgsl), 'nearest_counts')).toBe(40);
    expect(() => uniformView(landscapeParamsWgsl, 'nope')).toThrow(/no uniform 'nope'/);
    expect(() => storageBytes(assemble(1, polyFunctionsWgsl), 'curve_histogram')).toThrow(/no fixed size/);
  });
});
