/**
 * A GPUDevice under Node via Dawn (the `webgpu` package). On Linux without a hardware adapter it
 * falls back to the SwiftShader Vulkan driver that Debian's `chromium` package ships, unless the
 * user chose a driver with VK_ICD_FILENAMES.
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { create, globals } from 'webgpu';
import { NoWebGPUError, requestDeviceFrom } from './device';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let globalsInstalled = false;

/**
 * Every Dawn instance we create stays referenced for the life of the process: if the GPU object is
 * garbage-collected while a device made from it is alive, Dawn aborts the process (seen as
 * "std::system_error: Invalid argument" during mapAsync under vitest).
 */
const instances: GPU[] = [];

async function tryAdapter(): Promise<GPUAdapter | null> {
  const gpu = create([]);
  instances.push(gpu);
  return gpu.requestAdapter({ powerPreference: 'high-performance' });
}

export interface NodeGpu {
  readonly device: GPUDevice;
  readonly adapterDescription: string;
}

/** True when the machine exposes a GPU device node (DRM render node or NVIDIA's). */
function hasGpuDeviceNode(): boolean {
  try {
    if (readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))) return true;
  } catch {
    // no /dev/dri
  }
  return existsSync('/dev/nvidia0');
}

/** The adapter, or throw NoWebGPUError with a message that says what to install. */
export async function acquireNodeAdapter(): Promise<{ adapter: GPUAdapter; description: string }> {
  if (!globalsInstalled) {
    // GPUBufferUsage, GPUMapMode, … as globals, the way browser code expects them.
    Object.assign(globalThis, globals);
    globalsInstalled = true;
  }
  const linux = process.platform === 'linux';
  // The Vulkan loader's windowing probes complain on stderr without a runtime dir (headless boxes).
  if (linux && !process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = tmpdir();
  const canUseSwiftShader = linux && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD);
  let via = process.env.VK_ICD_FILENAMES
    ? `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}`
    : 'default Vulkan/Metal/D3D driver';
  if (canUseSwiftShader && !hasGpuDeviceNode()) {
    // No GPU device node at all: go straight to SwiftShader rather than probing drivers that cannot work.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    via = 'SwiftShader (software Vulkan from Debian chromium)';
  }
  let adapter = await tryAdapter();
  if (!adapter && canUseSwiftShader && !process.env.VK_ICD_FILENAMES) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    adapter = await tryAdapter();
    via = 'SwiftShader (software Vulkan from Debian chromium)';
  }
  if (!adapter) {
    const hint =
      process.platform === 'linux'
        ? `No WebGPU adapter found. Install a Vulkan driver for your GPU, or the software driver that Debian's chromium package ships ` +
          `(apt-get install chromium → ${SWIFTSHADER_ICD}); VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? '(unset)'}.`
        : 'No WebGPU adapter found. Dawn needs Metal (macOS) or D3D12/Vulkan (Windows) drivers.';
    throw new NoWebGPUError(hint);
  }
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ');
  return { adapter, description: `${name || 'unknown adapter'} via ${via}` };
}

export async function acquireNodeDevice(): Promise<NodeGpu> {
  const { adapter, description } = await acquireNodeAdapter();
  const device = await requestDeviceFrom(adapter, 'occam-lens-node');
  return { device, adapterDescription: description };
}
