/**
 * Where a CLI command writes and which device it may borrow. In its own module so the subcommands and
 * the dispatcher (main.ts) share it without importing each other.
 */
import type { ProgressStream } from './progress';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: ProgressStream;
  /** An existing device (tests); otherwise one is acquired through Dawn. */
  readonly device?: GPUDevice;
}
