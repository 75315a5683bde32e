import { describe, expect, it } from 'vitest';
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import rngWgsl from '../../shaders/rng.wgsl';
import streamWgsl from '../../shaders/testing/philox-stream.wgsl';
import { boxMuller, philox4x32_10 } from '../../src/core/rng';
import { device, noGpu } from '../helpers/gpu';

describe.skipIf(noGpu)('Philox on the GPU', () => {
  it('equals the TypeScript twin bit for bit, and Box–Muller to f32 rounding', async () => {
    const gpu = device!;
    const code = `${rngWgsl}\n${streamWgsl}`;
    const module = gpu.createShaderModule({ code });
    const pipeline = gpu.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'philox_stream' },
    });
    const count = 4096;
    const key: [number, number] = [0xdeadbeef, 0x01234567];
    const params = makeStructuredView(makeShaderDataDefinitions(code).uniforms.sp);
    params.set({ count, step: 123456789, block: 2, stream: 3, key });
    const uniform = gpu.createBuffer({
      size: params.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    gpu.queue.writeBuffer(uniform, 0, params.arrayBuffer);
    const words = gpu.createBuffer({
      size: 16 * count,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const normals = gpu.createBuffer({
      size: 16 * count,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const read = gpu.createBuffer({
      size: 32 * count,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = gpu.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      gpu.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [uniform, words, normals].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.dispatchWorkgroups(count / 64);
    pass.end();
    enc.copyBufferToBuffer(words, 0, read, 0, 16 * count);
    enc.copyBufferToBuffer(normals, 0, read, 16 * count, 16 * count);
    gpu.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const data = read.getMappedRange();
    const got = new Uint32Array(data.slice(0, 16 * count));
    const gotNormals = new Float32Array(data.slice(16 * count));
    read.unmap();
    let mismatches = 0;
    let maxNormalError = 0;
    for (let i = 0; i < count; i++) {
      const want = philox4x32_10([i, 123456789, 2, 3], key);
      for (let k = 0; k < 4; k++) if (got[4 * i + k] !== want[k]) mismatches++;
      const z = [...boxMuller(want[0], want[1]), ...boxMuller(want[2], want[3])];
      for (let k = 0; k < 4; k++)
        maxNormalError = Math.max(maxNormalError, Math.abs(gotNormals[4 * i + k] - z[k]));
    }
    expect(mismatches).toBe(0);
    // The GPU evaluates log/sqrt/cos/sin in f32 with its own approximations (SwiftShader: ~1e-4 absolute
    // for cos near 2π); |z| ≤ 6, so 2e-3 bounds them while any wrong word or pairing gives O(1) errors.
    expect(maxNormalError).toBeLessThan(2e-3);
    for (const b of [uniform, words, normals, read]) b.destroy();
  });
});
