/**
 * A progress line on stderr for work that runs longer than a second: never on stdout, so `--json`
 * output stays machine-readable. On a terminal it redraws one line; elsewhere it prints a line a second.
 */
import { progressText } from '../core/progress-text';

/** Where the line goes: stderr, or a test's capture of it. */
export interface ProgressStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
}

export class Progress {
  private readonly start = performance.now();
  private lastPrint = 0;
  private printed = false;

  constructor(
    private readonly label: string,
    private readonly stream: ProgressStream = process.stderr,
    private readonly enabled = true,
  ) {}

  update(done: number, total: number, unit = 'steps'): void {
    if (!this.enabled) return;
    const now = performance.now();
    const elapsed = (now - this.start) / 1000;
    const interval = this.stream.isTTY ? 200 : 1000;
    if (elapsed < 1 || now - this.lastPrint < interval) return;
    this.lastPrint = now;
    const line = progressText(this.label, done, total, elapsed, unit);
    if (this.stream.isTTY) this.stream.write(`\r${line}\u001b[K`);
    else this.stream.write(`${line}\n`);
    this.printed = true;
  }

  done(): void {
    if (this.printed && this.stream.isTTY) this.stream.write('\n');
  }
}
