/**
 * Device acquisition shared by the browser and Node paths: ask the adapter for the storage limits
 * that large walker populations need (never more than it offers), and label the device.
 */

/** Thrown when no WebGPU adapter exists; `message` says what to install or enable. */
export class NoWebGPUError extends Error {
  override readonly name = 'NoWebGPUError';
}

/** Limits raised to the adapter's maximum: walker buffers can be hundreds of MiB. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function requestDeviceFrom(adapter: GPUAdapter, label = 'occam-lens'): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  return adapter.requestDevice({ label, requiredLimits, requiredFeatures });
}
