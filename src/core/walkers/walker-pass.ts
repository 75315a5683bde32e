/**
 * One compute pass of a walker kernel assembled with `landscapeModule` (shaders/predict.wgsl,
 * shaders/poly-functions.wgsl): its own buffers in bind group 0, the engine's landscape in group 1.
 */
import type { WalkerEngine } from './walker-engine';

/**
 * Encodes the pass into a new command encoder and returns the encoder (the caller adds its copies and
 * submits). Group 0 binds `buffers` at bindings 0, 1, … in order; one thread per item of `threads`, in
 * workgroups of 64 as the kernels declare.
 */
export function encodeWalkerPass(
  engine: WalkerEngine,
  label: string,
  pipeline: GPUComputePipeline,
  layout: GPUBindGroupLayout,
  buffers: readonly GPUBuffer[],
  threads: number,
): GPUCommandEncoder {
  const device = engine.device;
  const encoder = device.createCommandEncoder({ label });
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      label,
      layout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    }),
  );
  pass.setBindGroup(1, engine.landscapeBindGroup);
  pass.dispatchWorkgroups(Math.ceil(threads / 64));
  pass.end();
  return encoder;
}
