/**
 * Sizes the host needs, read from the WGSL that declares them (webgpu-utils' reflection, and plain
 * `const` lines), so that a struct or array resized in a shader cannot disagree with a TS copy.
 * Reflection needs the WebGPU globals (GPUShaderStage), so it runs when a pass is built, never at import.
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';

/** A view of uniform `name` declared in `code`, laid out as the shader lays it out. */
export function uniformView(code: string, name: string): StructuredView {
  const def = makeShaderDataDefinitions(code).uniforms[name];
  if (!def) throw new Error(`WGSL declares no uniform '${name}'`);
  return makeStructuredView(def);
}

/** Scalars in array field `field` of a uniform view (`array<vec4<f32>, 8>`: 32). */
export function fieldLength(view: StructuredView, field: string): number {
  const v = view.views[field] as unknown;
  if (!ArrayBuffer.isView(v) || v instanceof DataView)
    throw new Error(`uniform field '${field}' is not an array of scalars or vectors`);
  return (v as unknown as ArrayLike<number>).length;
}

/** Bytes of the fixed-size storage variable `name` declared in `code` (`array<atomic<u32>, 10>`: 40). */
export function storageBytes(code: string, name: string): number {
  const def = makeShaderDataDefinitions(code).storages[name];
  if (!def) throw new Error(`WGSL declares no storage variable '${name}'`);
  if (!(def.size > 0)) throw new Error(`storage variable '${name}' has no fixed size`);
  return def.size;
}

/**
 * The value of a module-scope `const NAME: u32 = <n>u;` in `code` (WGSL reflection skips consts); a
 * line that starts indented is inside a function and never matches.
 */
export function constU32(code: string, name: string): number {
  const m = new RegExp(`^const\\s+${name}\\s*:\\s*u32\\s*=\\s*(\\d+)u?\\s*;`, 'm').exec(code);
  if (!m) throw new Error(`WGSL declares no 'const ${name}: u32 = <integer>'`);
  return Number(m[1]);
}
