/**
 * Shader assembly: a module is the concatenation of WGSL files from shaders/ plus one generated
 * line (the dimension constant, from a validated integer). Pipelines are cached per device by
 * (source, entry point, layout), so switching back to a landscape never recompiles; the cache is an
 * LRU of MAX_CACHED_PIPELINES entries, so typing formula after formula does not hold one pipeline per
 * distinct formula for the device's lifetime (issue 16).
 */

export const MAX_DIM = 32;

/** The only generated WGSL: `const D: u32 = <d>u;`, from an integer checked here. */
export function dimensionHeader(dim: number): string {
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_DIM) {
    throw new RangeError(`dimension must be an integer in [1, ${MAX_DIM}], got ${dim}`);
  }
  return `const D: u32 = ${dim}u;\n`;
}

export function assemble(dim: number, ...parts: string[]): string {
  return [dimensionHeader(dim), ...parts].join('\n');
}

/** Surfaces WGSL compile errors with line numbers instead of a bare validation error. */
export class ShaderCompileError extends Error {
  override readonly name = 'ShaderCompileError';
  constructor(
    message: string,
    readonly messages: readonly GPUCompilationMessage[],
  ) {
    super(message);
  }
}

/** Pipelines kept per device: a landscape needs about ten, so the last dozen landscapes stay compiled. */
export const MAX_CACHED_PIPELINES = 128;

/** Insertion-ordered: the first key is the least recently used. */
type PipelineCache = Map<string, Promise<GPUComputePipeline>>;
const caches = new WeakMap<GPUDevice, PipelineCache>();
const layoutIds = new WeakMap<GPUPipelineLayout, number>();
let nextLayoutId = 1;

function layoutId(layout: GPUPipelineLayout): number {
  let id = layoutIds.get(layout);
  if (id === undefined) {
    id = nextLayoutId++;
    layoutIds.set(layout, id);
  }
  return id;
}

async function compile(
  device: GPUDevice,
  code: string,
  entryPoint: string,
  layout: GPUPipelineLayout,
  label: string,
): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = code.split('\n');
    const text = errors
      .map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`)
      .join('\n');
    throw new ShaderCompileError(`WGSL compilation failed (${label}):\n${text}`, info.messages);
  }
  device.pushErrorScope('validation');
  // Synchronous on purpose: Dawn's createComputePipelineAsync intermittently aborts the Node process
  // (std::system_error in its worker pool, seen with webgpu@0.6.2 + SwiftShader).
  const pipeline = device.createComputePipeline({ label, layout, compute: { module, entryPoint } });
  const err = await device.popErrorScope();
  if (err) throw new ShaderCompileError(`pipeline creation failed (${label}): ${err.message}`, info.messages);
  return pipeline;
}

/** A compute pipeline for (code, entryPoint, layout), compiled once per device. */
export function computePipeline(
  device: GPUDevice,
  code: string,
  entryPoint: string,
  layout: GPUPipelineLayout,
  label = entryPoint,
): Promise<GPUComputePipeline> {
  let cache = caches.get(device);
  if (!cache) {
    cache = new Map();
    caches.set(device, cache);
  }
  const key = `${layoutId(layout)}\u0000${entryPoint}\u0000${code}`;
  let pipeline = cache.get(key);
  if (pipeline) {
    // Most recently used: move to the end.
    cache.delete(key);
    cache.set(key, pipeline);
    return pipeline;
  }
  const fresh = compile(device, code, entryPoint, layout, label);
  // A failed compile is not cached: the next attempt reports the error again.
  fresh.catch(() => {
    if (cache.get(key) === fresh) cache.delete(key);
  });
  cache.set(key, fresh);
  // Dropping the entry releases the pipeline to the garbage collector (GPUComputePipeline has no destroy).
  while (cache.size > MAX_CACHED_PIPELINES) cache.delete(cache.keys().next().value as string);
  pipeline = fresh;
  return pipeline;
}

/** Pipelines cached for `device` (tests: the LRU bound holds). */
export function cachedPipelines(device: GPUDevice): number {
  return caches.get(device)?.size ?? 0;
}
