/** Bind group and pipeline layouts, created once per device and shared by every engine on it. */

export interface EngineLayouts {
  /** Group 1 of every landscape-evaluating pipeline: the landscape's uniforms (landscape-params.wgsl). */
  readonly landscapeGroup: GPUBindGroupLayout;
  readonly walkerGroup: GPUBindGroupLayout;
  readonly walkerPipeline: GPUPipelineLayout;
  readonly reduceGroup: GPUBindGroupLayout;
  readonly reducePipeline: GPUPipelineLayout;
  readonly evalGroup: GPUBindGroupLayout;
  readonly evalPipeline: GPUPipelineLayout;
}

const cache = new WeakMap<GPUDevice, EngineLayouts>();

const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
  binding,
  visibility: GPUShaderStage.COMPUTE,
  buffer: { type },
});

export function engineLayouts(device: GPUDevice): EngineLayouts {
  let layouts = cache.get(device);
  if (layouts) return layouts;
  const landscapeGroup = device.createBindGroupLayout({ label: 'landscape', entries: [entry(0, 'uniform')] });
  const walkerGroup = device.createBindGroupLayout({
    label: 'walkers',
    entries: [
      entry(0, 'uniform'),
      ...[1, 2, 3, 4, 5].map((b) => entry(b, 'storage')),
      entry(6, 'read-only-storage'), // the proposal metric (ensemble preconditioning)
      entry(7, 'storage'), // the convergence diagnostics' sums (shaders/diagnostics.wgsl)
    ],
  });
  const reduceGroup = device.createBindGroupLayout({
    label: 'reduce',
    entries: [
      entry(0, 'uniform'),
      ...[1, 2, 3, 4, 5].map((b) => entry(b, 'read-only-storage')),
      entry(6, 'storage'),
      entry(7, 'read-only-storage'), // diagnostics' sums, and their midpoint copy
      entry(8, 'read-only-storage'),
    ],
  });
  const evalGroup = device.createBindGroupLayout({
    label: 'eval',
    entries: [entry(0, 'uniform'), entry(1, 'read-only-storage'), entry(2, 'storage')],
  });
  layouts = {
    landscapeGroup,
    walkerGroup,
    walkerPipeline: device.createPipelineLayout({
      label: 'walkers',
      bindGroupLayouts: [walkerGroup, landscapeGroup],
    }),
    reduceGroup,
    reducePipeline: device.createPipelineLayout({ label: 'reduce', bindGroupLayouts: [reduceGroup] }),
    evalGroup,
    evalPipeline: device.createPipelineLayout({
      label: 'eval',
      bindGroupLayouts: [evalGroup, landscapeGroup],
    }),
  };
  cache.set(device, layouts);
  return layouts;
}

/** A compute bind-group layout (group 0) and its pipeline layout, optionally with the landscape group. */
export interface ComputeLayouts {
  readonly group: GPUBindGroupLayout;
  readonly pipeline: GPUPipelineLayout;
}

const computeCache = new WeakMap<GPUDevice, Map<string, ComputeLayouts>>();

/**
 * Layouts for a compute module whose group 0 holds buffers of the given binding types (binding i =
 * types[i]); with `landscape`, group 1 is the landscape's uniforms. Created once per device and label.
 */
export function computeLayouts(
  device: GPUDevice,
  label: string,
  types: readonly GPUBufferBindingType[],
  landscape = false,
): ComputeLayouts {
  let perDevice = computeCache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    computeCache.set(device, perDevice);
  }
  let l = perDevice.get(label);
  if (!l) {
    const group = device.createBindGroupLayout({ label, entries: types.map((type, b) => entry(b, type)) });
    const groups = landscape ? [group, engineLayouts(device).landscapeGroup] : [group];
    l = { group, pipeline: device.createPipelineLayout({ label, bindGroupLayouts: groups }) };
    perDevice.set(label, l);
  }
  return l;
}
