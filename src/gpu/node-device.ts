/**
 * A GPUDevice under Node via Dawn (the `webgpu` package). On Linux without a hardware adapter it
 * falls back to a software Vulkan driver (SwiftShader), unless the user chose a driver with
 * VK_ICD_FILENAMES. The order: a hardware adapter; then the SwiftShader that Debian's `chromium`
 * package ships (a system package, updated with the system, and the one the test suite was built on);
 * then the copy inside the npm package @sparticuz/chromium, which `npm ci` installs, so that a
 * machine with only Node and npm runs the quick start (./npm-swiftshader).
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { create, globals } from 'webgpu';
import { NoWebGPUError, requestDeviceFrom } from './device';
import { npmSwiftShader, preloadVulkanLoader, systemVulkanLoader } from './npm-swiftshader';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const NPM_PACKAGE = '@sparticuz/chromium';

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
  // A driver this module chose earlier in the process (VK_ICD_FILENAMES stays set) is reused as such.
  const earlier = chosenIcds.get(process.env.VK_ICD_FILENAMES ?? '');
  if (earlier) {
    const adapter = await tryAdapter();
    if (adapter) return { adapter, description: describe(adapter, earlier) };
  }
  const userIcd = Boolean(process.env.VK_ICD_FILENAMES) && !earlier;
  if (earlier) delete process.env.VK_ICD_FILENAMES;
  // Without a system libvulkan.so.1 neither a hardware driver nor Debian's SwiftShader can load;
  // skipping them also spares stderr Dawn's "Couldn't load Vulkan" warning.
  const systemLoader = !linux || systemVulkanLoader();
  const canUseSwiftShader = linux && !userIcd && systemLoader && existsSync(SWIFTSHADER_ICD);
  let via = userIcd ? `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}` : 'default Vulkan/Metal/D3D driver';
  let adapter: GPUAdapter | null = null;
  if (canUseSwiftShader && !hasGpuDeviceNode()) {
    // No GPU device node at all: go straight to SwiftShader rather than probing drivers that cannot work.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    via = 'SwiftShader (software Vulkan from Debian chromium)';
  }
  if (systemLoader || userIcd) adapter = await tryAdapter();
  if (!adapter && canUseSwiftShader && process.env.VK_ICD_FILENAMES !== SWIFTSHADER_ICD) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    adapter = await tryAdapter();
    via = 'SwiftShader (software Vulkan from Debian chromium)';
  }
  let npmProblem = '';
  if (!adapter && linux && !userIcd) {
    try {
      const npm = npmSwiftShader();
      if (npm) {
        // No system Vulkan loader (a machine without Vulkan packages): the package's loader stands in.
        if (!systemLoader) preloadVulkanLoader(npm.loader);
        process.env.VK_ICD_FILENAMES = npm.icd;
        adapter = await tryAdapter();
        via = `SwiftShader (software Vulkan from npm ${NPM_PACKAGE} ${npm.version}, ${systemLoader ? 'the system' : "the package's"} Vulkan loader)`;
        if (!adapter) npmProblem = ` The npm SwiftShader (${npm.icd}) gave no adapter.`;
      } else
        npmProblem = ` ${NPM_PACKAGE} is not installed (npm ci installs it unless optional dependencies are omitted).`;
    } catch (err) {
      // An unpacking or loading failure is reported with the advice, not as a crash of its own.
      npmProblem = ` The npm SwiftShader failed: ${err instanceof Error ? err.message : String(err)}.`;
    }
  }
  if (!adapter) {
    const hint =
      process.platform === 'linux'
        ? `No WebGPU adapter found. Install a Vulkan driver for your GPU, or a software driver: 'npm ci' installs one ` +
          `(the optional dependency ${NPM_PACKAGE}), and Debian's chromium package ships another ` +
          `(apt-get install chromium → ${SWIFTSHADER_ICD}); VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? '(unset)'}.${npmProblem}`
        : 'No WebGPU adapter found. Dawn needs Metal (macOS) or D3D12/Vulkan (Windows) drivers.';
    throw new NoWebGPUError(hint);
  }
  if (!userIcd && process.env.VK_ICD_FILENAMES) chosenIcds.set(process.env.VK_ICD_FILENAMES, via);
  return { adapter, description: describe(adapter, via) };
}

/** The ICD manifests this module put in VK_ICD_FILENAMES, with how it described them. */
const chosenIcds = new Map<string, string>();

function describe(adapter: GPUAdapter, via: string): string {
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ');
  return `${name || 'unknown adapter'} via ${via}`;
}

export async function acquireNodeDevice(): Promise<NodeGpu> {
  const { adapter, description } = await acquireNodeAdapter();
  const device = await requestDeviceFrom(adapter, 'occam-lens-node');
  return { device, adapterDescription: description };
}
