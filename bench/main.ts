/**
 * `npm run bench`: speed figures printed as tables, each with its baseline measured in the same
 * process. Nothing here asserts a timing. Options: --max-log2 K (largest population 2^K, default 20).
 */
import { acquireNodeDevice } from '../src/gpu/node-device';
import { engineBench, modelBench } from './engine';
import { llcPrecisionBench } from './llc-precision';
import { randnetBench } from './randnet';
import { renderTable } from './table';

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--max-log2');
  const maxLog2 = arg > 0 ? Number(process.argv[arg + 1]) : 20;
  if (!Number.isInteger(maxLog2) || maxLog2 < 12 || maxLog2 > 26) {
    throw new Error(`--max-log2 must be an integer in [12, 26], got ${process.argv[arg + 1]}`);
  }
  const { device, adapterDescription } = await acquireNodeDevice();
  console.log(`Occam Lens benchmarks on ${adapterDescription}, Node ${process.version}\n`);
  console.log(renderTable(await engineBench(device, maxLog2)));
  console.log();
  console.log(renderTable(await modelBench(device)));
  console.log();
  console.log(renderTable(await llcPrecisionBench(device)));
  console.log();
  console.log(renderTable(await randnetBench(device)));
  device.destroy();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
