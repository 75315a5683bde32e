/**
 * `npm run bench:gpu` (issue 17): the benchmark for the first run on a hardware GPU, at the sizes that
 * matter there — the engine at 2^20 … 2^24 walkers, the models at 2^20, 10^8 random networks and a
 * temperature ladder of 2^20 walkers in all — as one table with the device's name, printed and written
 * to bench/results/. Built as dist-cli/bench-gpu.js; scripts/gpu-kit.mjs packs it with the CLI and
 * Dawn into a folder that runs with `node` alone (no npm registry). Nothing here asserts a timing.
 *   --smoke      tiny sizes, so a test (or you) can check the whole kit on SwiftShader in seconds
 *   --out DIR    where the table file goes (default bench/results beside the bundle's folder)
 *   --only a,b   engine, models, randnet, ladder
 * The random-network and ladder rows run the `occam-lens` command itself (whole processes, the product
 * as a user meets it); the engine and model rows time the engine in this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxWalkers } from '../src/core/walkers/walker-engine';
import { acquireNodeDevice } from '../src/gpu/node-device';
import { gpuRate, modelBench } from './engine';
import { formatRate, renderTable, type Table } from './table';

const PARTS = ['engine', 'models', 'randnet', 'ladder'] as const;

interface Sizes {
  readonly engineLog2: readonly number[];
  readonly modelLog2: number;
  readonly nets: number;
  /** Extra randnet flags: the smoke run's small hash table and batch (allocating 2^20 slots is slow on SwiftShader). */
  readonly randnetFlags: readonly string[];
  readonly ladderGroups: number;
  readonly ladderLog2: number;
  readonly ladderSteps: number;
}

const FULL: Sizes = {
  engineLog2: [20, 22, 24],
  modelLog2: 20,
  nets: 1e8,
  randnetFlags: [],
  ladderGroups: 8,
  ladderLog2: 17,
  ladderSteps: 2000,
};
const SMOKE: Sizes = {
  engineLog2: [10, 12],
  modelLog2: 10,
  nets: 1024,
  randnetFlags: ['--capacity', '4096', '--batch', '512'],
  ladderGroups: 3,
  ladderLog2: 8,
  ladderSteps: 100,
};

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, 'occam-lens.js');

/** Runs the built CLI with --json and returns its parsed output, or throws with its stderr. */
function cliJson(args: string[]): { out: Record<string, unknown>; wall: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args, '--quiet', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`occam-lens ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim().slice(-400)}`);
  return { out: JSON.parse(r.stdout) as Record<string, unknown>, wall };
}

/** A number the table shows: finite and positive, or an error (never a NaN in the table). */
function finite(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
    throw new Error(`${what} is not a positive number: ${x}`);
  return x;
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const sizes = smoke ? SMOKE : FULL;
  const only = option('--only')?.split(',') ?? [...PARTS];
  const unknown = only.filter((t) => !(PARTS as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new Error(`--only: unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  const outDir = resolve(option('--out') ?? join(here, '..', 'bench', 'results'));
  const started = new Date();
  const t0 = performance.now();
  const { device, adapterDescription } = await acquireNodeDevice();
  const header = `Occam Lens GPU benchmark${smoke ? ' (--smoke sizes)' : ''} on ${adapterDescription}, Node ${process.version}, ${started.toISOString()}`;
  console.log(header);
  const rows: string[][] = [];
  const row = (part: string, workload: string, size: string, rate: string, seconds: string) => {
    rows.push([part, workload, size, rate, seconds]);
    process.stderr.write(`  ${part} ${workload} ${size}: ${rate}\n`);
  };

  if (only.includes('engine')) {
    const top = Math.floor(Math.log2(maxWalkers(device, 2)));
    for (const sampler of ['ula', 'mala'] as const) {
      for (const k of sizes.engineLog2) {
        if (k > top) {
          row(
            'engine',
            `${sampler.toUpperCase()} crossing w1²w2²`,
            `2^${k} walkers`,
            `over this device's limit 2^${top}`,
            '–',
          );
          continue;
        }
        const s0 = performance.now();
        const rate = finite(await gpuRate(device, sampler, 2 ** k), 'walker-steps/s');
        row(
          'engine',
          `${sampler.toUpperCase()} crossing w1²w2²`,
          `2^${k} walkers`,
          `${formatRate(rate)} walker-steps`,
          ((performance.now() - s0) / 1000).toFixed(1),
        );
      }
    }
  }
  if (only.includes('models')) {
    const s0 = performance.now();
    const t = await modelBench(device, 2 ** sizes.modelLog2, false);
    const seconds = ((performance.now() - s0) / 1000 / t.rows.length).toFixed(1);
    for (const r of t.rows)
      row(
        'models',
        `MALA ${r[0]} (d = ${r[1]})`,
        `2^${sizes.modelLog2} walkers`,
        `${r[2]} walker-steps`,
        seconds,
      );
  }
  device.destroy(); // the CLI rows start their own processes and devices

  if (only.includes('randnet')) {
    // --backend gpu: this table measures the GPU (auto would pick the CPU backend on a software adapter).
    const { out, wall } = cliJson([
      'randnet',
      '--backend',
      'gpu',
      '--samples',
      String(sizes.nets),
      ...sizes.randnetFlags,
    ]);
    const rate = finite(out.networks_per_second, 'networks_per_second');
    finite(out.distinct, 'distinct');
    row(
      'randnet',
      `(7,40,40,1) ReLU, counted (${out.distinct} distinct)`,
      `${sizes.nets.toExponential(0)} networks`,
      `${formatRate(rate)} networks`,
      `${out.seconds} (process ${wall.toFixed(1)})`,
    );
  }
  if (only.includes('ladder')) {
    const walkers = 2 ** sizes.ladderLog2;
    const burnin = sizes.ladderSteps / 2;
    const { out, wall } = cliJson([
      'llc',
      '--landscape',
      'crossing',
      '--n',
      '10000',
      '--ladder',
      String(sizes.ladderGroups),
      '--walkers',
      String(walkers),
      '--steps',
      String(sizes.ladderSteps),
      '--burnin',
      String(burnin),
    ]);
    const groups = finite(out.groups, 'groups');
    const seconds = finite(out.seconds, 'seconds');
    finite(out.lambda_fit, 'lambda_fit');
    const rate = (groups * walkers * (sizes.ladderSteps + burnin)) / seconds;
    row(
      'ladder',
      `llc --ladder ${sizes.ladderGroups}, crossing n = 10⁴ (λ fit ${out.lambda_fit} ± ${out.lambda_fit_se})`,
      `${groups} × 2^${sizes.ladderLog2} walkers`,
      `${formatRate(rate)} walker-steps`,
      `${seconds} (process ${wall.toFixed(1)})`,
    );
  }

  const table: Table = {
    title: header,
    header: ['part', 'workload', 'size', 'rate', 'seconds'],
    rows,
    note: `Total ${((performance.now() - t0) / 1000).toFixed(0)} s. Engine and model rows: in-process, each timed over ≥ 0.3 s of steps after a warm-up; randnet and ladder rows: the occam-lens command's own seconds (and the whole process's).`,
  };
  const text = renderTable(table);
  console.log(`\n${text}`);
  mkdirSync(outDir, { recursive: true });
  const slug = adapterDescription
    .split(' via ')[0]
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  const file = join(
    outDir,
    `gpu-${started.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}-${slug}${smoke ? '-smoke' : ''}.md`,
  );
  writeFileSync(file, `${text}\n`);
  console.log(`\nwritten to ${file}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
