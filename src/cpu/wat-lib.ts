/**
 * The CPU backend's WebAssembly toolkit on Node: compileWat (wat-assemble.ts's wabt assembly with an
 * on-disk cache of the binaries), and the shared WAT every kernel splices into its module (wat-text.ts).
 *
 * Why WebAssembly SIMD (and not the WGSL on a software GPU): on a CPU-only machine SwiftShader runs the
 * walker kernel at ~1 µs per walker-step, 30× slower than numpy (issue 17); V8 compiles these modules
 * to native SSE code with four lanes per instruction, and worker_threads put every core to work.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assembleWat, compileBinary } from './wat-assemble';

export { PHILOX_WAT, VMATH_WAT } from './wat-text';

/**
 * Where assembled modules are kept between runs: node_modules/.cache/occam-lens/wasm beside the wabt
 * package (OCCAM_WASM_CACHE overrides; "off" disables). Loading wabt and assembling a kernel costs
 * ~0.2–0.4 s of a CLI run that may itself take 3 s; the cache is keyed by the text's SHA-256 (and
 * wabt's version), so a stale entry cannot be hit: a different kernel is a different key.
 */
function cacheDir(): string | null {
  const forced = process.env.OCCAM_WASM_CACHE;
  if (forced === 'off') return null;
  if (forced) return forced;
  try {
    const wabtMain = createRequire(import.meta.url).resolve('wabt');
    return join(dirname(wabtMain), '..', '.cache', 'occam-lens', 'wasm');
  } catch {
    return join(tmpdir(), 'occam-lens-wasm');
  }
}

function wabtVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    return (
      JSON.parse(readFileSync(join(dirname(req.resolve('wabt')), 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}

function cached(path: string | null): Uint8Array<ArrayBuffer> | null {
  if (!path) return null;
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return null;
  }
}

/** Best effort: a read-only or full disk only costs the next run the assembly again. */
function store(path: string | null, bytes: Uint8Array): void {
  if (!path) return;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path); // atomic: a concurrent run reads the whole file or none
  } catch {
    // not cached
  }
}

/**
 * Assembles and compiles a whole `(module …)` text (wat-assemble.ts), or loads the binary assembled
 * from the same text before.
 */
export async function compileWat(moduleText: string, name: string): Promise<WebAssembly.Module> {
  const dir = cacheDir();
  const key = createHash('sha256').update(wabtVersion()).update('\0').update(moduleText).digest('hex');
  const path = dir ? join(dir, `${key}.wasm`) : null;
  const hit = cached(path);
  if (hit) {
    try {
      return await WebAssembly.compile(hit);
    } catch {
      // a damaged entry: assemble again below (and overwrite it)
    }
  }
  const buffer = await assembleWat(moduleText, name);
  const module = await compileBinary(buffer, name);
  store(path, buffer);
  return module;
}
