// Assembles the GPU benchmark kit (issue 17): a self-contained folder that runs `bench:gpu` on a machine
// with Node (any version with N-API 8, which dawn.node needs; we build with the same major) and no npm
// registry. One remote command runs it:  sh gpu-kit/run.sh [--smoke] [--out DIR]
//   node scripts/gpu-kit.mjs [--out DIR]     (default gpu-kit/ in the repository, gitignored)
// The kit holds the bundled CLI and benchmark (dist-cli/), Dawn's `webgpu` package for this platform
// and linux-x64, and the npm SwiftShader archive (so the kit still runs, slowly, without a GPU driver).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--out');
const kit = resolve(i > 0 ? process.argv[i + 1] : join(root, 'gpu-kit'));

execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });

rmSync(kit, { recursive: true, force: true });
mkdirSync(join(kit, 'dist-cli'), { recursive: true });
for (const f of ['occam-lens.js', 'bench-gpu.js'])
  cpSync(join(root, 'dist-cli', f), join(kit, 'dist-cli', f));

// webgpu: its loader (index.js) picks dist/<platform>-<arch>/dawn.node; other platforms stay behind.
const webgpu = join(root, 'node_modules', 'webgpu');
const webgpuKit = join(kit, 'node_modules', 'webgpu');
for (const f of ['package.json', 'index.js', 'LICENSE.md', 'types.d.ts'])
  if (existsSync(join(webgpu, f))) cpSync(join(webgpu, f), join(webgpuKit, f));
const arch = process.platform === 'darwin' ? 'universal' : process.arch;
for (const p of new Set([`${process.platform}-${arch}`, 'linux-x64'])) {
  const from = join(webgpu, 'dist', p);
  if (existsSync(from)) cpSync(from, join(webgpuKit, 'dist', p), { recursive: true });
}

// The npm SwiftShader (src/gpu/npm-swiftshader.ts finds the package by walking up from dist-cli/).
const sparticuz = join(root, 'node_modules', '@sparticuz', 'chromium');
if (existsSync(join(sparticuz, 'bin', 'swiftshader.tar.br'))) {
  const to = join(kit, 'node_modules', '@sparticuz', 'chromium');
  for (const f of ['package.json', 'LICENSE', join('bin', 'swiftshader.tar.br')])
    if (existsSync(join(sparticuz, f))) cpSync(join(sparticuz, f), join(to, f));
}

writeFileSync(
  join(kit, 'run.sh'),
  `#!/bin/sh
# Occam Lens GPU benchmark kit, built ${new Date().toISOString()} with Node ${process.version}.
# Prints one table with the device name and writes it under bench/results/ here (or --out DIR).
#   sh run.sh            the hardware sizes (2^20 … 2^24 walkers, 10^8 networks; under 4 minutes on a GPU)
#   sh run.sh --smoke    tiny sizes: checks the kit end to end (SwiftShader is fine)
set -e
cd "$(dirname "$0")"
exec node dist-cli/bench-gpu.js "$@"
`,
);
chmodSync(join(kit, 'run.sh'), 0o755);

let bytes = 0;
const walk = (p) => {
  const s = statSync(p);
  if (s.isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
  else bytes += s.size;
};
walk(kit);
process.stdout.write(
  `GPU kit in ${relative(process.cwd(), kit) || '.'} (${(bytes / 2 ** 20).toFixed(1)} MiB): run it with  sh ${join(relative(process.cwd(), kit) || '.', 'run.sh')} [--smoke] [--out DIR]\n`,
);
