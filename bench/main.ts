/**
 * `npm run bench`: speed figures printed as tables, each with its baseline measured in the same
 * process. Nothing here asserts a timing. Options:
 *   --max-log2 K      largest walker population 2^K in the engine table (default 20)
 *   --only a,b        run only these tables: engine, models, llc, randnet, sgd, frame, capture
 *   --no-browser      skip the tables that run the app in headless Chromium (frame, capture)
 *   --frame-walkers a,b  the frame table's walker counts (default 1e5,1e6); that table runs only
 *                     when asked (--only frame): minutes on SwiftShader
 *   --numpy-walkers N, --numpy-steps S, --numpy-nets M, --repeats R
 *                     the numpy table's work (default issue 17's: 262144 walkers × 1000 steps, 10^5
 *                     networks) and its repeats (default 3, median quoted)
 */
import { fileURLToPath } from 'node:url';
import { acquireNodeDevice } from '../src/gpu/node-device';
import { captureBench } from './capture';
import { engineBench, modelBench } from './engine';
import { frameBench } from './frame';
import { llcPrecisionBench } from './llc-precision';
import { defaultBaselines, ISSUE17_WORKLOAD, numpyBench } from './numpy';
import { randnetBench } from './randnet';
import { sgdBench } from './sgd';
import { renderTable, type Table } from './table';

const TABLES = ['engine', 'models', 'llc', 'randnet', 'sgd', 'numpy', 'frame', 'capture'] as const;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** A positive integer option (1e5 notation is fine), or its default. */
function count(name: string, fallback: number): number {
  const text = option(name);
  if (text === undefined) return fallback;
  const x = Number(text);
  if (!Number.isSafeInteger(x) || x < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return x;
}

async function main(): Promise<void> {
  const maxLog2 = Number(option('--max-log2') ?? 20);
  if (!Number.isInteger(maxLog2) || maxLog2 < 12 || maxLog2 > 26) {
    throw new Error(`--max-log2 must be an integer in [12, 26], got ${option('--max-log2')}`);
  }
  const only = option('--only')?.split(',') ?? [...TABLES];
  const unknown = only.filter((t) => !(TABLES as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new Error(`--only: unknown table ${unknown.join(', ')} (tables: ${TABLES.join(', ')})`);
  const noBrowser = process.argv.includes('--no-browser');
  const numpy = {
    walkers: count('--numpy-walkers', ISSUE17_WORKLOAD.walkers),
    steps: count('--numpy-steps', ISSUE17_WORKLOAD.steps),
    nets: count('--numpy-nets', ISSUE17_WORKLOAD.nets),
    repeats: count('--repeats', 3),
    cli: fileURLToPath(new URL('./occam-lens.js', import.meta.url)),
    baselines: defaultBaselines(),
  };
  // The frame table takes minutes on SwiftShader: only when asked for by name.
  if (!option('--only')?.split(',').includes('frame')) only.splice(only.indexOf('frame') >>> 0, 1);
  const frameWalkers = (option('--frame-walkers') ?? '1e5,1e6').split(',').map(Number);
  const { device, adapterDescription } = await acquireNodeDevice();
  console.log(`Occam Lens benchmarks on ${adapterDescription}, Node ${process.version}`);
  const runs: Record<(typeof TABLES)[number], () => Promise<Table>> = {
    engine: () => engineBench(device, maxLog2),
    models: () => modelBench(device),
    llc: () => llcPrecisionBench(device),
    randnet: () => randnetBench(device),
    sgd: () => sgdBench(device),
    numpy: async () => numpyBench(numpy),
    frame: () => frameBench(frameWalkers),
    capture: () => captureBench(),
  };
  for (const name of TABLES) {
    if (!only.includes(name) || ((name === 'frame' || name === 'capture') && noBrowser)) continue;
    console.log();
    try {
      console.log(renderTable(await runs[name]()));
    } catch (err) {
      console.log(`(${name} table skipped: ${err instanceof Error ? err.message : String(err)})`);
    }
  }
  device.destroy();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
