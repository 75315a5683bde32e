/**
 * The one place that reaches into three.js internals: the GPUBuffer behind a storage attribute.
 * three r187 keeps it at `renderer.backend.get(attribute).buffer` once the attribute has been used
 * in a render or compute (it is created lazily). A three.js upgrade that moves it touches only here.
 */
import type { BufferAttribute, InstancedBufferAttribute } from 'three';
import type { WebGPURenderer } from 'three/webgpu';

interface BackendWithData {
  get(object: object): { buffer?: GPUBuffer } | undefined;
}

/** The attribute's GPUBuffer, or undefined if three has not created it yet. */
export function gpuBufferOf(
  renderer: WebGPURenderer,
  attribute: BufferAttribute | InstancedBufferAttribute,
): GPUBuffer | undefined {
  const backend = (renderer as unknown as { backend?: BackendWithData }).backend;
  const data = backend?.get(attribute);
  const buffer = data?.buffer;
  return buffer && typeof buffer === 'object' && 'mapAsync' in buffer ? buffer : undefined;
}

/** Like gpuBufferOf, but throws with a message that points here when three's internals have moved. */
export function requireGpuBufferOf(
  renderer: WebGPURenderer,
  attribute: BufferAttribute | InstancedBufferAttribute,
): GPUBuffer {
  const buffer = gpuBufferOf(renderer, attribute);
  if (!buffer) {
    throw new Error(
      'three.js did not expose the GPUBuffer of a storage attribute (renderer.backend.get(attribute).buffer); ' +
        'src/app/view/three-buffer-adapter.ts needs updating for this three.js version',
    );
  }
  return buffer;
}
