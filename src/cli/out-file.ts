/**
 * Every `--out` of the CLI (sample, record, screenshot) follows one policy (issue 16):
 *  - the path is checked before the run: its folder must exist and be writable, and the path must not
 *    be a folder, so a long run never ends in a raw ENOENT;
 *  - an existing file is refused unless --force is given (nothing is overwritten without notice);
 *  - the output is written to a temporary file in the same folder and renamed over the target only
 *    when it is complete (record: also on a cancel that kept frames), so an existing file is never
 *    destroyed by a failed or interrupted run.
 */
import { constants, statSync, unlinkSync } from 'node:fs';
import { access, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './flags';

/** Checks that `path` can be written (exit 2 naming --out otherwise); `force` allows replacing a file. */
export async function checkOut(path: string, force: boolean): Promise<void> {
  const dir = dirname(path);
  const folder = await stat(dir).catch(() => undefined);
  if (!folder) throw new UsageError(`--out: the folder '${dir}' of '${path}' does not exist`);
  if (!folder.isDirectory()) throw new UsageError(`--out: '${dir}' (in '${path}') is not a folder`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--out: the folder '${dir}' is not writable`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--out: '${path}' is a folder`);
  if (existing && !force)
    throw new UsageError(
      `--out: '${path}' exists; pass --force to replace it (it is replaced only once the new file is complete)`,
    );
}

/** A fresh temporary name next to `path` (same folder, so the final rename is atomic). */
export function tempPath(path: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${rand}.part`);
}

/** Writes `data` to a temporary file beside `path`, then renames it over `path`. */
export async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Removes a temporary file synchronously (from a signal handler, right before exiting). */
export function removeSync(path: string): void {
  try {
    if (statSync(path).isFile()) unlinkSync(path);
  } catch {
    // already gone
  }
}
