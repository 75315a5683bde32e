/** A GPUDevice in the browser, or a NoWebGPUError that says which browsers and flags work. */
import { NoWebGPUError, requestDeviceFrom } from './device';

export const NO_WEBGPU_HELP =
  'Occam Lens needs WebGPU: Chrome or Edge 113+ (Linux: chrome://flags/#enable-unsafe-webgpu and Vulkan), ' +
  'Safari 26+, or Firefox 141+ (Windows; elsewhere set dom.webgpu.enabled). The page must be served over https or from localhost.';

export async function acquireBrowserDevice(): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    throw new NoWebGPUError(`This browser exposes no navigator.gpu. ${NO_WEBGPU_HELP}`);
  }
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoWebGPUError(`navigator.gpu found no adapter. ${NO_WEBGPU_HELP}`);
  const device = await requestDeviceFrom(adapter, 'occam-lens-browser');
  return { adapter, device };
}
