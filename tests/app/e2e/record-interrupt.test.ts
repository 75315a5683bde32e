/**
 * Issue 16, item 1: Ctrl-C during `occam-lens record` keeps a playable file of the frames so far, and
 * an existing `--out` is never destroyed unless the run completes or is cancelled with frames. The
 * built command runs as a child process so a real SIGINT reaches it, as `kill -INT` would:
 *   echo old > clip.mp4; occam-lens record --shot long.json --out clip.mp4 & sleep 25; kill -INT $!
 * (here: the kill is sent once the progress line shows frames, since SwiftShader's speed varies).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { haveChromium } from './harness';

const CI = process.env.CI === 'true';
const haveFfprobe = spawnSync('ffprobe', ['-version']).status === 0;
if (CI && (!haveFfprobe || !haveChromium)) throw new Error('CI=true but ffprobe or chromium is missing');
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'occam-lens.js');

/** A shot far longer than the test waits: 120 s at 30 fps, small frames. */
const LONG = {
  occamLensShot: 1,
  title: 'long',
  state: { landscape: 'bowl', seed: 1 },
  duration: 120,
  fps: 30,
  width: 320,
  height: 200,
  keyframes: [{ t: 0, n: 100 }],
};

function record(dir: string, ...extra: string[]) {
  const child = spawn('node', [BIN, 'record', '--shot', 'long.json', '--out', 'clip.mp4', ...extra], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, exited, stderr: () => stderr };
}

/** Resolves once the progress line reports at least `frames` frames. */
function framesSeen(r: { child: ChildProcess; stderr: () => string }, frames: number): Promise<void> {
  return new Promise((ok, fail) => {
    const timer = setInterval(() => {
      const counts = [...r.stderr().matchAll(/(\d+)\/3600 frames/g)].map((m) => Number(m[1]));
      if (counts.some((n) => n >= frames)) {
        clearInterval(timer);
        ok();
      }
      if (r.child.exitCode !== null) {
        clearInterval(timer);
        fail(new Error(`record exited early (${r.child.exitCode}): ${r.stderr()}`));
      }
    }, 200);
  });
}

function framesIn(file: string): { codec: string; frames: number } {
  const json = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,nb_read_frames',
    '-of',
    'json',
    file,
  ]).toString();
  const s = JSON.parse(json).streams[0];
  return { codec: s.codec_name, frames: Number(s.nb_read_frames) };
}

describe.skipIf(!haveChromium || !haveFfprobe)('occam-lens record and Ctrl-C', () => {
  let dir: string;
  beforeAll(() => {
    execFileSync('node', ['scripts/build-cli.mjs'], { cwd: ROOT, stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'occam-record-'));
    writeFileSync(join(dir, 'long.json'), JSON.stringify(LONG));
  });

  test('an existing --out is refused without --force and left as it was', () => {
    writeFileSync(join(dir, 'clip.mp4'), 'old\n');
    const r = spawnSync('node', [BIN, 'record', '--shot', 'long.json', '--out', 'clip.mp4'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/--out: 'clip\.mp4' exists; pass --force to replace it/);
    expect(readFileSync(join(dir, 'clip.mp4'), 'utf8')).toBe('old\n');
  });

  test('SIGINT before the first frame leaves the old file and no temporary one', async () => {
    writeFileSync(join(dir, 'clip.mp4'), 'old\n');
    const r = record(dir, '--force');
    await new Promise((ok) => setTimeout(ok, 1500));
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    expect(readFileSync(join(dir, 'clip.mp4'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 300_000);

  test('SIGINT mid-way replaces the old file with a playable clip of the frames so far', async () => {
    writeFileSync(join(dir, 'clip.mp4'), 'old\n');
    const r = record(dir, '--force');
    await framesSeen(r, 3);
    r.child.kill('SIGINT');
    const code = await r.exited;
    expect(code, r.stderr()).toBe(130);
    expect(r.stderr()).toMatch(/cancelling: finalising the frames recorded so far/);
    const { codec, frames } = framesIn(join(dir, 'clip.mp4'));
    expect(codec).toBe('h264');
    expect(frames).toBeGreaterThanOrEqual(3);
    expect(frames).toBeLessThan(3600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    if (!CI) console.log(`cancelled clip: ${frames} frames`);
  }, 600_000);
});
