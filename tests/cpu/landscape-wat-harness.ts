/**
 * Runs a landscape's WAT (src/cpu/landscape-wat.ts) on points, for tests: a tiny module that imports
 * memory, declares $lp_base/$landscape_slot, splices the landscape WAT and vector math, and exports
 * `eval(ptrIn, ptrOut, groups)`. Points travel in groups of four (one per lane), SoA inside a group:
 * input w_j of group g at ptrIn + 16(g·D + j); output loss then ∂L/∂w_j at ptrOut + 16(g·(D+1) + 1 + j).
 */
import { LANDSCAPE_GLOBALS_WAT, type LandscapeWat } from '../../src/cpu/landscape-wat';
import { compileWat, VMATH_WAT } from '../../src/cpu/wat-lib';

export interface WatEvaluator {
  /** Loss and gradient (stride D) at the points (stride D), with landscape values `lp`. */
  evaluate(
    points: readonly number[] | Float32Array,
    lp: readonly number[],
    slot?: number,
  ): { loss: Float32Array; grad: Float32Array };
  /** Re-runs the last evaluation's `eval` call `repeats` times: nanoseconds per point (one thread). */
  time(repeats: number): number;
}

function evalFunc(d: number): string {
  const ws = Array.from({ length: d }, (_, j) => j);
  const loads = ws
    .map(
      (j) =>
        `(v128.load offset=${16 * j} (i32.add (local.get $in) (i32.mul (local.get $g) (i32.const ${16 * d}))))`,
    )
    .join(' ');
  const base = `(i32.add (local.get $out) (i32.mul (local.get $g) (i32.const ${16 * (d + 1)})))`;
  return `
(func (export "set_globals") (param $lp i32) (param $slot i32)
  (global.set $lp_base (local.get $lp)) (global.set $landscape_slot (local.get $slot)))
(func (export "eval") (param $in i32) (param $out i32) (param $count i32)
  (local $g i32) ${ws.map((j) => `(local $r${j} v128)`).join(' ')}
  (block $done (loop $next
    (br_if $done (i32.ge_u (local.get $g) (local.get $count)))
    (v128.store ${base} (call $loss ${loads}))
    (call $grad ${loads})
    ${[...ws]
      .reverse()
      .map((j) => `(local.set $r${j})`)
      .join(' ')}
    ${ws.map((j) => `(v128.store offset=${16 * (j + 1)} ${base} (local.get $r${j}))`).join(' ')}
    (local.set $g (i32.add (local.get $g) (i32.const 1)))
    (br $next)))
)`;
}

export async function watEvaluator(lw: LandscapeWat): Promise<WatEvaluator> {
  const text = `(module
(import "env" "memory" (memory 1 65536 shared))
${LANDSCAPE_GLOBALS_WAT}
${VMATH_WAT}
${lw.wat}
${evalFunc(lw.dim)}
)`;
  const module = await compileWat(text, 'landscape-test');
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const ex = instance.exports as {
    eval(i: number, o: number, n: number): void;
    set_globals(lp: number, slot: number): void;
  };
  const d = lw.dim;
  let last: [number, number, number, number] = [0, 0, 0, 0];
  return {
    time(repeats) {
      const [inAt, outAt, groups, count] = last;
      const t0 = performance.now();
      for (let k = 0; k < repeats; k++) ex.eval(inAt, outAt, groups);
      return ((performance.now() - t0) * 1e6) / (repeats * count);
    },
    evaluate(points, lp, slot = 0) {
      const count = points.length / d;
      const groups = Math.ceil(count / 4);
      const lpAt = 0;
      const inAt = 16 * Math.ceil((4 * lp.length) / 16) + 64;
      const outAt = inAt + groups * 16 * d;
      const need = outAt + groups * 16 * (d + 1);
      if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      const f = new Float32Array(memory.buffer);
      f.set(lp, lpAt / 4);
      for (let i = 0; i < groups * 4; i++)
        for (let j = 0; j < d; j++) {
          const g = Math.floor(i / 4);
          f[(inAt + 16 * (g * d + j)) / 4 + (i % 4)] = i < count ? points[i * d + j] : 0;
        }
      ex.set_globals(lpAt, slot);
      ex.eval(inAt, outAt, groups);
      last = [inAt, outAt, groups, count];
      const loss = new Float32Array(count);
      const grad = new Float32Array(count * d);
      for (let i = 0; i < count; i++) {
        const g = Math.floor(i / 4);
        const at = (k: number) => f[(outAt + 16 * (g * (d + 1) + k)) / 4 + (i % 4)];
        loss[i] = at(0);
        for (let j = 0; j < d; j++) grad[i * d + j] = at(1 + j);
      }
      return { loss, grad };
    },
  };
}
