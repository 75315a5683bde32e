/** Runs the `occam-lens` program in-process with captured output, on the test file's Dawn device. */
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
