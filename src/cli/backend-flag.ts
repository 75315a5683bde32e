/**
 * `--backend auto|gpu|cpu`: where a command's walkers or networks run. The GPU is the WebGPU device
 * (a hardware adapter, or SwiftShader when there is none); the CPU is the WebAssembly SIMD backend on
 * worker threads (src/cpu/), which on a CPU-only machine is one to two orders of magnitude faster than
 * the same work on SwiftShader (issue 17). `auto` picks the CPU exactly when the only adapter is a
 * software one and the job is supported there, so a hardware GPU's path never changes.
 */
import { UsageError } from './flags';

export type BackendChoice = 'auto' | 'gpu' | 'cpu';
export type Backend = 'gpu' | 'cpu';

const CHOICES: readonly BackendChoice[] = ['auto', 'gpu', 'cpu'];

/** The flag for a command's table (a value flag: checked by parseBackend). */
export const BACKEND_FLAGS = { backend: { type: 'string' } } as const;

export const BACKEND_HELP =
  '--backend auto|gpu|cpu  where the work runs (default auto: the CPU, WebAssembly SIMD on all cores, when the only\n' +
  '                        WebGPU adapter is a software one and the job is supported there; else the GPU)';

export function parseBackend(value?: string): BackendChoice {
  if (value === undefined) return 'auto';
  if ((CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new UsageError(`--backend: expected one of ${CHOICES.join(', ')}, got '${value}'`);
}

/**
 * The backend a job runs on. `unsupported` is why the CPU cannot run this job (null: it can);
 * `--backend cpu` on an unsupported job is a usage error that says why, never a silent fall-back.
 */
export function chooseBackend(
  choice: BackendChoice,
  softwareAdapter: boolean,
  unsupported: string | null,
): Backend {
  if (choice === 'gpu') return 'gpu';
  if (choice === 'cpu') {
    if (unsupported !== null) throw new UsageError(`--backend cpu: ${unsupported}`);
    return 'cpu';
  }
  return softwareAdapter && unsupported === null ? 'cpu' : 'gpu';
}

/** The `device` line of a CPU run's output. */
export const cpuDeviceDescription = (threads: number): string =>
  `CPU: WebAssembly SIMD (4 lanes), ${threads} thread${threads === 1 ? '' : 's'}`;
