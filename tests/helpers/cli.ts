/** Runs the `occam-lens` program in-process with captured output, on the test file's Dawn device. */
import { expect } from 'vitest';
import { runCli } from '../../src/cli/main';
import { device } from './gpu';

export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
        return true;
      },
    },
    device: device ?? undefined,
  });
  return { code, stdout, stderr };
}

/** A usage error: exit status 2, `message` on stderr, nothing on stdout. */
export function expectUsageError(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
}

/** The JSON lines a command printed on stdout, parsed. */
export function jsonLines(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}
