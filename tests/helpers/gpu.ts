/**
 * One Dawn device for a test file. Without an adapter, GPU tests skip with a loud message locally;
 * under CI=true a missing adapter is a failure, never a skip.
 */
import { acquireNodeDevice } from '../../src/gpu/node-device';

let devicePromise: Promise<GPUDevice | null> | undefined;
let reason = '';

export async function gpuDevice(): Promise<GPUDevice | null> {
  devicePromise ??= acquireNodeDevice().then(
    (gpu) => gpu.device,
    (err: unknown) => {
      reason = err instanceof Error ? err.message : String(err);
      if (process.env.CI === 'true') throw new Error(`CI=true but no WebGPU adapter: ${reason}`);
      console.warn(`\n!!! GPU TESTS SKIPPED: ${reason}\n`);
      return null;
    },
  );
  return devicePromise;
}

/** Resolved before collection (top-level await in each GPU test file) so `skipIf` sees it. */
export const device = await gpuDevice();
export const noGpu = device === null;
