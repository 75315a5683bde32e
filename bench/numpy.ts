/**
 * Issue 17's comparison with what a CPU-only user would write instead: the numpy baselines in
 * bench/baselines/ (copied from the project's shared/baselines) against the `occam-lens` command on the
 * same work, both timed as whole processes (start-up, compilation and imports included, as a user meets
 * them), interleaved, `repeats` times, median quoted. Python with numpy is optional: without it the
 * table says so in one row and nothing fails.
 *
 * The same work, row by row:
 * - ULA: N walkers × S steps on w1²w2² at n = 10⁴, β = 1/log n, ε = 1e-3, reflecting box [−1, 1]²,
 *   uniform starts. occam-lens runs S/2 burn-in + S/2 sampling steps (S in all); numpy_ula.py runs S
 *   steps after one warm-up step (S + 1, a 0.1 % difference at S = 1000, in numpy's disfavour).
 * - MALA: the same target, box prior (proposals outside rejected), S steps of which half are burn-in
 *   in both. numpy_mala.py works in float64, as its author wrote it; occam-lens in float32.
 * - random networks: N (7, 40, 40, 1) ReLU networks, weights N(0, 1/fan_in), biases N(0, 1), evaluated
 *   on all 128 inputs, hashed and counted (occam-lens randnet's defaults are this architecture).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from './table';

export interface NumpyOptions {
  /** Walkers for the ULA and MALA rows (issue 17: 262144). */
  readonly walkers: number;
  /** Total steps per walker, burn-in included (issue 17: 1000). */
  readonly steps: number;
  /** Networks for the random-network row (issue 17: 10⁵). */
  readonly nets: number;
  readonly repeats: number;
  /** The built CLI (dist-cli/occam-lens.js). */
  readonly cli: string;
  /** The folder holding numpy_ula.py, numpy_mala.py and numpy_randnet.py. */
  readonly baselines: string;
  readonly python?: string;
}

export const ISSUE17_WORKLOAD = { walkers: 262_144, steps: 1000, nets: 100_000 } as const;

/** bench/baselines beside the bundle's folder (dist-cli/… → bench/baselines), or next to it in a kit. */
export function defaultBaselines(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, 'baselines'), resolve(here, '..', 'bench', 'baselines')])
    if (existsSync(join(dir, 'numpy_ula.py'))) return dir;
  return resolve(here, '..', 'bench', 'baselines');
}

interface Run {
  readonly seconds: number;
  readonly ok: boolean;
  readonly detail: string;
}

/** Runs a whole process and times it from spawn to exit. */
function timed(command: string, args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const ok = r.status === 0;
  return {
    seconds,
    ok,
    detail: ok ? r.stdout.trim() : `exit ${r.status}: ${(r.stderr || r.stdout).trim().slice(-300)}`,
  };
}

/** The checked result of an occam-lens --json run: the estimate must be a finite number. */
function ours(run: Run, field: string): Run {
  if (!run.ok) return run;
  try {
    const value = JSON.parse(run.detail)[field];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return { ...run, ok: false, detail: `${field} is not a finite number: ${value}` };
    return { ...run, detail: `${field} = ${value}` };
  } catch {
    return { ...run, ok: false, detail: `not JSON: ${run.detail.slice(0, 200)}` };
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Whether `python` imports numpy; the reason when it does not. */
export function numpyAvailable(
  python = 'python3',
): { ok: true; version: string } | { ok: false; why: string } {
  const r = spawnSync(python, ['-c', 'import numpy, sys; print(numpy.__version__, sys.version.split()[0])'], {
    encoding: 'utf8',
  });
  if (r.error) return { ok: false, why: `${python} not found` };
  if (r.status !== 0) return { ok: false, why: `${python} has no numpy` };
  const [np, py] = r.stdout.trim().split(' ');
  return { ok: true, version: `numpy ${np}, Python ${py}` };
}

export function numpyBench(o: NumpyOptions): Table {
  const python = o.python ?? 'python3';
  const header = [
    'workload',
    'numpy (s)',
    'occam-lens (s)',
    'speed vs numpy',
    'runs (numpy | occam-lens, s)',
    'last outputs',
  ];
  const title = `Against numpy: whole processes, same work, median of ${o.repeats}`;
  const have = numpyAvailable(python);
  if (!have.ok)
    return {
      title,
      header,
      rows: [['(no comparison)', '–', '–', '–', '–', `${have.why}: the numpy rows need python3 with numpy`]],
    };
  const half = Math.floor(o.steps / 2);
  const N = String(o.walkers);
  const walkerArgs = (sampler: string) => [
    o.cli,
    'llc',
    '--landscape',
    'crossing',
    '--n',
    '10000',
    '--sampler',
    sampler,
    '--step',
    '0.001',
    '--walkers',
    N,
    '--burnin',
    String(half),
    '--steps',
    String(o.steps - half),
    '--init',
    'prior',
    '--quiet',
    '--json',
  ];
  const workloads = [
    {
      name: `ULA ${o.walkers} walkers × ${o.steps} steps`,
      numpy: [join(o.baselines, 'numpy_ula.py'), N, String(o.steps), '0.001'],
      ours: walkerArgs('ula'),
      field: 'lambda_hat',
    },
    {
      name: `MALA ${o.walkers} walkers × ${o.steps} steps`,
      numpy: [join(o.baselines, 'numpy_mala.py'), '1', '1', '10000', N, String(o.steps), '0.001'],
      ours: walkerArgs('mala'),
      field: 'lambda_hat',
    },
    {
      name: `random networks (7,40,40,1) × ${o.nets}`,
      numpy: [join(o.baselines, 'numpy_randnet.py'), String(o.nets)],
      ours: [o.cli, 'randnet', '--samples', String(o.nets), '--quiet', '--json'],
      field: 'distinct',
    },
  ];
  const rows: string[][] = [];
  for (const w of workloads) {
    const np: Run[] = [];
    const us: Run[] = [];
    for (let i = 0; i < o.repeats; i++) {
      np.push(timed(python, w.numpy));
      us.push(ours(timed(process.execPath, w.ours), w.field));
    }
    const failed = [...np, ...us].find((r) => !r.ok);
    const tn = median(np.map((r) => r.seconds));
    const to = median(us.map((r) => r.seconds));
    const list = (rs: Run[]) => rs.map((r) => r.seconds.toFixed(2)).join(', ');
    rows.push([
      w.name,
      tn.toFixed(2),
      to.toFixed(2),
      // A failed run has no speed: the row says which failed instead of a ratio.
      failed ? 'FAILED' : `${(tn / to).toFixed(2)}×`,
      `${list(np)} | ${list(us)}`,
      failed
        ? failed.detail
        : `${np[np.length - 1].detail.replace(/\s+/g, ' ')} | ${us[us.length - 1].detail}`,
    ]);
  }
  return {
    title,
    header,
    rows,
    note:
      `${have.version}. speed = numpy's median time / occam-lens's (> 1: occam-lens faster). occam-lens runs ` +
      `${o.cli} with --backend auto (the CPU backend when the only adapter is a software one); S steps = S/2 burn-in + S/2 sampling, --init prior (uniform starts).`,
  };
}
