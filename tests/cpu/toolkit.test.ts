/**
 * The CPU backend's toolkit (src/cpu/): Philox on four lanes against the TypeScript twin (bit-exact),
 * the f32x4 math against Math.* (a few ulp: the tolerances below are Cephes' published single-precision
 * bounds with a margin), Box–Muller against the twin, and the worker pool over shared memory.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boxMuller, philox4x32_10, uniformOpen01 } from '../../src/core/rng';
import { compileWat, PHILOX_WAT, VMATH_WAT } from '../../src/cpu/wat-lib';
import { cpuThreads, WasmWorkerPool } from '../../src/cpu/worker-pool';

// A test module: the toolkit plus loops that apply one function to arrays in memory, 4 lanes at a time.
const TEST_MODULE = `(module
  (import "env" "memory" (memory 1 256 shared))
  ${PHILOX_WAT}
  ${VMATH_WAT}
  ;; counters at in (4 words per item, item-major), n items (a multiple of 4), words out likewise
  (func (export "philox") (param $in i32) (param $out i32) (param $n i32) (param $k0 i32) (param $k1 i32)
    (local $i i32) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $a i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      ;; gather lane-wise: counter word j of items i..i+3
      (local.set $a (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 4))))
      (local.set $c0 (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat (i32.load (local.get $a)))
        (i32.load offset=16 (local.get $a))) (i32.load offset=32 (local.get $a))) (i32.load offset=48 (local.get $a))))
      (local.set $c1 (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat (i32.load offset=4 (local.get $a)))
        (i32.load offset=20 (local.get $a))) (i32.load offset=36 (local.get $a))) (i32.load offset=52 (local.get $a))))
      (local.set $c2 (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat (i32.load offset=8 (local.get $a)))
        (i32.load offset=24 (local.get $a))) (i32.load offset=40 (local.get $a))) (i32.load offset=56 (local.get $a))))
      (local.set $c3 (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat (i32.load offset=12 (local.get $a)))
        (i32.load offset=28 (local.get $a))) (i32.load offset=44 (local.get $a))) (i32.load offset=60 (local.get $a))))
      (call $philox (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3) (local.get $k0) (local.get $k1))
      (local.set $r3) (local.set $r2) (local.set $r1) (local.set $r0)
      ;; words out word-major per block of 4 items: x of items i..i+3, then y, z, w
      (local.set $a (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4))))
      (v128.store (local.get $a) (local.get $r0))
      (v128.store offset=16 (local.get $a) (local.get $r1))
      (v128.store offset=32 (local.get $a) (local.get $r2))
      (v128.store offset=48 (local.get $a) (local.get $r3))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))
  (func $map (param $f i32) (param $in i32) (param $out i32) (param $n i32)
    (local $i i32) (local $x v128) (local $y v128) (local $a i32) (local $b i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $b (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $x (v128.load (local.get $a)))
      (block $set
        (block $f6 (block $f5 (block $f4 (block $f3 (block $f2 (block $f1 (block $f0
          (br_table $f0 $f1 $f2 $f3 $f4 $f5 $f6 (local.get $f)))
          (local.set $y (call $vlog (local.get $x))) (br $set))
          (local.set $y (call $vexp (local.get $x))) (br $set))
          (local.set $y (call $vsin (local.get $x))) (br $set))
          (local.set $y (call $vcos (local.get $x))) (br $set))
          (local.set $y (call $vtanh (local.get $x))) (br $set))
          (local.set $y (call $uniform_open01 (local.get $x))) (br $set))
        (local.set $y (call $vpowi (local.get $x) (i32.const 5))))
      (v128.store (local.get $b) (local.get $y))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))
  (func (export "map") (param $f i32) (param $in i32) (param $out i32) (param $n i32)
    (call $map (local.get $f) (local.get $in) (local.get $out) (local.get $n)))
  ;; words a at in, b at in + 4n → normals (first, second) at out, out + 4n
  (func (export "box_muller") (param $in i32) (param $out i32) (param $n i32)
    (local $i i32) (local $z0 v128) (local $z1 v128) (local $o i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (call $box_muller (v128.load (i32.add (local.get $in) (local.get $o)))
                        (v128.load (i32.add (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))) (local.get $o))))
      (local.set $z1) (local.set $z0)
      (v128.store (i32.add (local.get $out) (local.get $o)) (local.get $z0))
      (v128.store (i32.add (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $o)) (local.get $z1))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $next))))
  (func (export "fill") (param $at i32) (param $n i32) (param $v f32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func (export "trap") (unreachable))
)`;

const memory = new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true });
const modulePromise = compileWat(TEST_MODULE, 'toolkit-test');
async function instance() {
  const module = await modulePromise;
  return (await WebAssembly.instantiate(module, { env: { memory } })).exports as Record<
    string,
    (...args: number[]) => void
  >;
}

// A seeded generator for test inputs (mulberry32): the same points every run.
function rand(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IN = 0;
const OUT = 1 << 20;

async function mapF32(f: number, xs: readonly number[]): Promise<Float32Array> {
  const ex = await instance();
  const n = Math.ceil(xs.length / 4) * 4;
  new Float32Array(memory.buffer, IN, n).set(xs);
  ex.map(f, IN, OUT, n);
  return new Float32Array(memory.buffer, OUT, n).slice(0, xs.length);
}

describe('Philox4x32-10 on four lanes', () => {
  it('equals the TypeScript twin bit for bit (random counters and keys, incl. all-ones words)', async () => {
    const ex = await instance();
    const r = rand(17);
    for (const key of [
      [0, 0],
      [1, 0],
      [0xffffffff, 0xffffffff],
      [Math.floor(r() * 2 ** 32), Math.floor(r() * 2 ** 32)],
    ] as [number, number][]) {
      const n = 64;
      const counters = new Uint32Array(memory.buffer, IN, 4 * n);
      for (let i = 0; i < 4 * n; i++)
        counters[i] = i < 8 ? [0, 0xffffffff][i % 2] : Math.floor(r() * 2 ** 32);
      ex.philox(IN, OUT, n, key[0] | 0, key[1] | 0);
      const out = new Uint32Array(memory.buffer, OUT, 4 * n);
      for (let i = 0; i < n; i++) {
        const c = [counters[4 * i], counters[4 * i + 1], counters[4 * i + 2], counters[4 * i + 3]] as const;
        const want = philox4x32_10(c, key);
        const block = Math.floor(i / 4) * 16;
        const lane = i % 4;
        const got = [0, 1, 2, 3].map((w) => out[block + 4 * w + lane]);
        expect(got).toEqual(want);
      }
    }
  });
});

describe('f32x4 math', () => {
  const r = rand(5);
  const ulp = (x: number) => {
    const f = Math.fround(Math.abs(x));
    if (f === 0) return 2 ** -149;
    return 2 ** (Math.floor(Math.log2(f)) - 23);
  };
  // The largest error in units in the last place of the exact value (Math.* in f64).
  const maxUlp = (got: Float32Array, xs: number[], f: (x: number) => number) =>
    Math.max(...xs.map((x, i) => Math.abs(got[i] - f(Math.fround(x))) / ulp(f(Math.fround(x)))));

  it('log: within 2 ulp on (1e-30, 1e30), and the special values', async () => {
    const xs = Array.from({ length: 4000 }, () => 10 ** (60 * r() - 30));
    xs.push(1, 2, 0.5, Math.SQRT2, 1 - 2 ** -24, 1 + 2 ** -23);
    expect(maxUlp(await mapF32(0, xs), xs, Math.log)).toBeLessThanOrEqual(2);
    const special = await mapF32(0, [0, -1, Number.POSITIVE_INFINITY, Number.NaN]);
    expect([...special]).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
  });

  it('exp: within 2 ulp on [−87, 88.7], 0 below, +∞ above', async () => {
    const xs = Array.from({ length: 4000 }, () => -87 + 175.7 * r());
    xs.push(0, 1, -1, 88.7, -87.3);
    expect(maxUlp(await mapF32(1, xs), xs, Math.exp)).toBeLessThanOrEqual(2);
    const special = await mapF32(1, [-100, 100, Number.NaN, Number.NEGATIVE_INFINITY]);
    expect([...special]).toEqual([0, Number.POSITIVE_INFINITY, Number.NaN, 0]);
  });

  it('sin and cos: absolute error ≤ 2^-23 on |x| ≤ 100 (and Box–Muller angles in [0, 2π)); NaN at ±∞', async () => {
    const xs = Array.from({ length: 4000 }, (_, i) => (i < 2000 ? 2 * Math.PI * r() : 200 * r() - 100));
    for (const [f, ref] of [
      [2, Math.sin],
      [3, Math.cos],
    ] as const) {
      const got = await mapF32(f, xs);
      const err = Math.max(...xs.map((x, i) => Math.abs(got[i] - ref(Math.fround(x)))));
      expect(err).toBeLessThanOrEqual(2 ** -23);
      expect([...(await mapF32(f, [Number.POSITIVE_INFINITY, Number.NaN]))].every(Number.isNaN)).toBe(true);
    }
  });

  it('tanh: within 3 ulp on [−20, 20], ±1 beyond', async () => {
    const xs = Array.from({ length: 4000 }, () => 40 * r() - 20);
    xs.push(0.624, 0.626, -0.625, 1e-6);
    expect(maxUlp(await mapF32(4, xs), xs, Math.tanh)).toBeLessThanOrEqual(3);
    expect([...(await mapF32(4, [50, -50]))]).toEqual([1, -1]);
  });

  it('uniform_open01 equals the twin bit for bit; x^5 is x·x·x·x·x in f32', async () => {
    const words = Array.from({ length: 400 }, () => Math.floor(r() * 2 ** 32));
    words.push(0, 0xffffffff, 511, 512);
    const ex = await instance();
    const n = Math.ceil(words.length / 4) * 4;
    new Uint32Array(memory.buffer, IN, n).set(words);
    ex.map(5, IN, OUT, n);
    const got = new Float32Array(memory.buffer, OUT, words.length);
    words.forEach((w, i) => {
      expect(got[i]).toBe(Math.fround(uniformOpen01(w)));
    });
    const xs = [-1.5, 0.3, 2, -0.7];
    const p = await mapF32(6, xs);
    xs.forEach((x, i) => {
      let y = Math.fround(1);
      for (let k = 0; k < 5; k++) y = Math.fround(y * Math.fround(x));
      expect(p[i]).toBe(y);
    });
  });

  it('Box–Muller matches the twin within 4e-6 absolute (log and cos are not the GPU built-ins)', async () => {
    const ex = await instance();
    const n = 1024;
    const words = new Uint32Array(memory.buffer, IN, 2 * n);
    for (let i = 0; i < 2 * n; i++) words[i] = Math.floor(r() * 2 ** 32);
    ex.box_muller(IN, OUT, n);
    const out = new Float32Array(memory.buffer, OUT, 2 * n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const [z0, z1] = boxMuller(words[i], words[n + i]);
      worst = Math.max(worst, Math.abs(out[i] - z0), Math.abs(out[n + i] - z1));
    }
    // |z| ≤ 5.6 for 23-bit uniforms; a few ulp of log and cos at that size is below 4e-6.
    expect(worst).toBeLessThan(4e-6);
  });
});

describe('WasmWorkerPool', () => {
  let pool: WasmWorkerPool | undefined;
  afterAll(() => pool?.close());

  it('runs an export in every worker over the shared memory, and results are visible to the caller', async () => {
    pool = await WasmWorkerPool.create(await modulePromise, memory, 2);
    expect(pool.threads).toBe(2);
    const at = 2 << 20;
    await pool.run('fill', [
      [at, 1000, 1.5],
      [at + 4000, 1000, -2.5],
    ]);
    const xs = new Float32Array(memory.buffer, at, 2000);
    expect(xs[0]).toBe(1.5);
    expect(xs[999]).toBe(1.5);
    expect(xs[1000]).toBe(-2.5);
    expect(xs[1999]).toBe(-2.5);
  });

  it('a kernel trap rejects with the message, and the pool keeps working', async () => {
    pool ??= await WasmWorkerPool.create(await modulePromise, memory, 2);
    await expect(pool.run('trap', [[]])).rejects.toThrow(/CPU kernel failed: .*unreachable/);
    await pool.run('fill', [[3 << 20, 4, 7]]);
    expect(new Float32Array(memory.buffer, 3 << 20, 1)[0]).toBe(7);
  });

  it('refuses more tasks than threads, and a memory that is not shared', async () => {
    pool ??= await WasmWorkerPool.create(await modulePromise, memory, 2);
    await expect(
      pool.run('fill', [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]),
    ).rejects.toThrow(/3 tasks for 2 CPU workers/);
    await expect(
      WasmWorkerPool.create(await modulePromise, new WebAssembly.Memory({ initial: 1 }), 1),
    ).rejects.toThrow(/shared/);
  });

  it('OCCAM_CPU_THREADS overrides the thread count, and a bad value is an error that names it', () => {
    const before = process.env.OCCAM_CPU_THREADS;
    try {
      process.env.OCCAM_CPU_THREADS = '3';
      expect(cpuThreads()).toBe(3);
      process.env.OCCAM_CPU_THREADS = 'lots';
      expect(() => cpuThreads()).toThrow(/OCCAM_CPU_THREADS must be an integer/);
    } finally {
      if (before === undefined) delete process.env.OCCAM_CPU_THREADS;
      else process.env.OCCAM_CPU_THREADS = before;
    }
  });
});

describe('compileWat', () => {
  it('names the kernel and the line of an instruction that does not assemble', async () => {
    await expect(compileWat('(module\n  (func (result i32) (i32.bogus)))', 'broken')).rejects.toThrow(
      /CPU kernel broken does not assemble: .*broken\.wat:2/s,
    );
  });
});

describe('compileWat cache', () => {
  const withCache = async (value: string, body: () => Promise<void>) => {
    const before = process.env.OCCAM_WASM_CACHE;
    process.env.OCCAM_WASM_CACHE = value;
    try {
      await body();
    } finally {
      if (before === undefined) delete process.env.OCCAM_WASM_CACHE;
      else process.env.OCCAM_WASM_CACHE = before;
    }
  };
  const text = '(module (func (export "seven") (result i32) (i32.const 7)))';
  const seven = async (m: WebAssembly.Module) =>
    ((await WebAssembly.instantiate(m)).exports.seven as () => number)();

  it('keeps the assembled binary by the text, serves it again, and survives a damaged entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'occam-wasm-'));
    try {
      await withCache(dir, async () => {
        expect(await seven(await compileWat(text, 'seven'))).toBe(7);
        const files = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
        expect(files).toHaveLength(1);
        expect(await seven(await compileWat(text, 'seven'))).toBe(7);
        // A different text is a different entry.
        await compileWat(text.replace('7', '8'), 'eight');
        expect(readdirSync(dir).filter((f) => f.endsWith('.wasm'))).toHaveLength(2);
        // A damaged entry is assembled again, and the run still gets the right module.
        writeFileSync(join(dir, files[0]), 'not wasm');
        expect(await seven(await compileWat(text, 'seven'))).toBe(7);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('OCCAM_WASM_CACHE=off assembles every time and writes nothing', async () => {
    await withCache('off', async () => {
      expect(await seven(await compileWat(text, 'seven'))).toBe(7);
    });
  });
});
