/**
 * The CPU twin of shaders/randnet.wgsl as WebAssembly SIMD text, generated for one architecture (the
 * widths, activation, init kinds and domain become constants, so every loop over units is unrolled and
 * a layer's accumulators live in registers), and the memory layout it works in.
 *
 * Semantics are the shader's (src/core/function-space/randnet.ts is the reference): network k under
 * seed s draws parameter p from Philox(counter = (k_lo, k_hi, p/4, STREAM_RANDNET), key = s), word
 * p%4, Gaussian by Box–Muller on words (0,1), (2,3); pre = bias, then pre += w_k·h_k for k = 0, 1, …
 * in f32 (no fused multiply-add: WebAssembly has none, so every sum rounds as the twin's does); bit i
 * of the key = output at point i > 0.
 *
 * How the work is laid out, and why each shortcut changes no rounding:
 *  - Drawing: the 4 lanes are 4 consecutive Philox blocks of one network; the 4 words → 4 normals
 *    (or uniforms) per block are transposed so each v128 holds parameters 4b … 4b+3, scaled by a
 *    per-parameter table, then scattered (a per-parameter destination table) into the layouts below.
 *  - First layer: input point i is the binary expansion of i, first input = most significant bit, so
 *    the partial sum after inputs 0..j depends only on i's top j+1 bits. A binary tree over inputs
 *    computes every partial sum once (254 node updates for n = 7 instead of 896 multiply-adds), in the
 *    same k order as the twin; on {0,1} a 0 input adds w·0 = ±0, which leaves pre unchanged (up to
 *    the sign of a zero, which no key sees), on {−1,1} it adds −w exactly (w·(−1) is exact).
 *    Lanes = 4 output units.
 *  - Hidden layers: per input point, the nonzero activations (k, h_k) are listed in k order
 *    (branch-free, 4 lanes at a time by a table of shuffles) and only those are accumulated, lanes =
 *    4 output units; a skipped h_k = 0 would have added ±0. ReLU leaves about half the units at 0,
 *    so this halves the dominant work.
 *  - Output layer (one unit): lanes = 4 input points, the last hidden layer stored transposed, 4
 *    independent point groups per pass so the k-ordered sums pipeline.
 * The only difference from the twin is in Box–Muller's log/cos/sin and tanh/softplus's exp/log/tanh
 * (the toolkit's vmath, a few ulp, like any GPU's): results that depend on those match statistically.
 */
import {
  layerShapes,
  MAX_WIDTH,
  parameterCount,
  type RandNetConfig,
  STREAM_RANDNET,
} from '../core/function-space/randnet';

/**
 * Bytes of one half of the list of nonzero activations of one point (values, then weight-row offsets):
 * up to MAX_WIDTH entries, one pad entry, and the 12 bytes a 4-lane store may write past the last.
 */
const LIST_HALF = 4 * MAX_WIDTH + 32;
/** Output slots per network (2^7 points). */
export const OUT_SLOTS = 128;
const MAX_POINTS = 128;
/** Words reserved at the start of memory: the chunk counters of the workers' claim loop. */
export const COUNTER_BYTES = 64;

/**
 * Philox groups (4 blocks = 16 parameters each) per pass of $draw's loop: the Philox rounds of one
 * group and the Box–Muller of the other are independent, so the core overlaps two dependency chains.
 */
const DRAW_GROUPS = 2;

/** One weight layer as the kernel stores it. */
export interface LayerPlan {
  readonly fanIn: number;
  readonly fanOut: number;
  /** Output blocks of 4 units (the last layer: 1). */
  readonly blocks: number;
  /** First parameter index in the flattened network (as layerShapes). */
  readonly offset: number;
  /** Byte offsets (from the worker's scratch base) of the weights and biases. */
  readonly wBase: number;
  readonly bBase: number;
}

/** Everything the generator and its host agree on: sizes, and the memory layout. */
export interface RandNetPlan {
  readonly config: RandNetConfig;
  readonly points: number;
  readonly params: number;
  /** Parameters rounded up to whole passes of $draw (DRAW_GROUPS groups of 4 Philox blocks, 16 parameters). */
  readonly paddedParams: number;
  readonly layers: readonly LayerPlan[];
  /** Absolute byte offsets of the shared read-only tables (destination, scale, uniform mask). */
  readonly mapBase: number;
  readonly scaleBase: number;
  readonly maskBase: number;
  /** Absolute byte offset of the 16 lane-compaction shuffles (one per 4-bit mask). */
  readonly lutBase: number;
  /** First free absolute byte after the tables (16-aligned). */
  readonly tablesEnd: number;
  /** Scratch layout, relative to a worker's scratch base. */
  readonly flat: number;
  readonly hA: number;
  readonly hB: number;
  readonly hT: number;
  readonly list: number;
  readonly out: number;
  /** Bytes of one worker's scratch (16-aligned). */
  readonly scratchBytes: number;
}

const align16 = (x: number) => Math.ceil(x / 16) * 16;

export function randnetPlan(config: RandNetConfig): RandNetPlan {
  const shapes = layerShapes(config);
  const params = parameterCount(config);
  const paddedParams = Math.ceil(params / (16 * DRAW_GROUPS)) * 16 * DRAW_GROUPS;
  const mapBase = COUNTER_BYTES;
  const scaleBase = mapBase + 4 * paddedParams;
  const maskBase = scaleBase + 4 * paddedParams;
  const lutBase = maskBase + 4 * paddedParams;
  const tablesEnd = align16(lutBase + 16 * 16);
  let at = align16(4 * paddedParams); // flat parameters first
  const last = shapes.length - 1;
  const layers = shapes.map((s, l): LayerPlan => {
    const blocks = l === last && l > 0 ? 1 : Math.ceil(s.fanOut / 4);
    const wBytes = l === last && l > 0 ? 4 * s.fanIn : 16 * blocks * s.fanIn;
    const bBytes = l === last && l > 0 ? 16 : 16 * blocks;
    const plan = {
      fanIn: s.fanIn,
      fanOut: s.fanOut,
      blocks,
      offset: s.offset,
      wBase: at,
      bBase: at + align16(wBytes),
    };
    at = plan.bBase + bBytes;
    return plan;
  });
  const maxBlocks = Math.max(1, ...layers.slice(0, Math.max(1, last)).map((l) => l.blocks));
  const hBytes = MAX_POINTS * 16 * maxBlocks;
  const hA = at;
  const hB = hA + hBytes;
  const hT = hB + hBytes;
  const list = hT + 4 * MAX_POINTS * MAX_WIDTH;
  const out = list + 2 * LIST_HALF;
  const scratchBytes = align16(out + 4 * OUT_SLOTS);
  return {
    config,
    points: 2 ** config.inputs,
    params,
    paddedParams,
    layers,
    mapBase,
    scaleBase,
    maskBase,
    lutBase,
    tablesEnd,
    flat: 0,
    hA,
    hB,
    hT,
    list,
    out,
    scratchBytes,
  };
}

/** The read-only tables the kernel reads, per parameter p of the flattened network. */
export interface RandNetTables {
  /** Destination byte offset of parameter p from the scratch base. */
  readonly map: Int32Array;
  /** σw/√fan_in or σb (or the uniform half-widths), as f32. */
  readonly scale: Float32Array;
  /** −1 where parameter p is a uniform draw, 0 where it is Gaussian. */
  readonly mask: Int32Array;
  /** For each 4-bit lane mask, the i8x16.swizzle that moves the marked lanes to the front, in order. */
  readonly lut: Uint8Array;
}

export function randnetTables(plan: RandNetPlan): RandNetTables {
  const c = plan.config;
  const shapes = layerShapes(c);
  const n = plan.paddedParams;
  const map = new Int32Array(n);
  const scale = new Float32Array(n);
  const mask = new Int32Array(n);
  const last = plan.layers.length - 1;
  plan.layers.forEach((L, l) => {
    const { wScale, bScale } = shapes[l];
    for (let j = 0; j < L.fanOut; j++) {
      for (let i = 0; i <= L.fanIn; i++) {
        const p = L.offset + j * (L.fanIn + 1) + i;
        const isBias = i === L.fanIn;
        const lane = 4 * (j & 3);
        if (l === last && l > 0) map[p] = isBias ? L.bBase : L.wBase + 4 * i;
        else
          map[p] = isBias ? L.bBase + 16 * (j >> 2) + lane : L.wBase + 16 * (i * L.blocks + (j >> 2)) + lane;
        scale[p] = isBias ? bScale : wScale;
        mask[p] = (isBias ? c.biasInit : c.init) === 'uniform' ? -1 : 0;
      }
    }
  });
  const lut = new Uint8Array(256).fill(0x80);
  for (let m = 0; m < 16; m++) {
    let to = 0;
    for (let c = 0; c < 4; c++) {
      if (!(m & (1 << c))) continue;
      for (let b = 0; b < 4; b++) lut[16 * m + 4 * to + b] = 4 * c + b;
      to++;
    }
  }
  return { map, scale, mask, lut };
}

/** A text emitter with indentation (the WAT is read when a kernel misbehaves). */
class Out {
  private readonly lines: string[] = [];
  private depth = 1;
  line(s: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${s}`);
  }
  open(s: string): void {
    this.line(s);
    this.depth++;
  }
  close(s = ')'): void {
    this.depth--;
    this.line(s);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

const ZERO = '(v128.const f32x4 0 0 0 0)';
const lg = (name: string) => `(local.get $${name})`;

/** The activation of a v128 of pre-activations, as an expression (randnet.wgsl's `activate`). */
function activation(config: RandNetConfig, x: string): string {
  switch (config.activation) {
    case 'relu':
      // pmax(x, 0) = x < 0 ? 0 : x: one maxps; keeps NaN like Math.max, and −0 (no key sees the sign).
      return `(f32x4.pmax ${x} ${ZERO})`;
    case 'tanh':
      return `(call $vtanh (f32x4.pmax (f32x4.pmin ${x} (v128.const f32x4 20 20 20 20)) (v128.const f32x4 -20 -20 -20 -20)))`;
    case 'softplus':
      // max(x, 0) + log(1 + e^−|x|); x is used three times, so the caller passes a local.
      return `(f32x4.add (f32x4.pmax ${x} ${ZERO}) (call $vlog (f32x4.add (v128.const f32x4 1 1 1 1) (call $vexp (f32x4.neg (f32x4.abs ${x}))))))`;
  }
}

/** 4×4 transpose: lane i of a, b, c, d → v128 i (as locals r0..r3 from a..d). */
function transpose(o: Out, [a, b, c, d]: string[], [r0, r1, r2, r3]: string[]): void {
  const lo = '0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23';
  const hi = '8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31';
  const lo64 = '0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23';
  const hi64 = '8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31';
  o.line(`(local.set $t0 (i8x16.shuffle ${lo} ${lg(a)} ${lg(b)}))`);
  o.line(`(local.set $t1 (i8x16.shuffle ${hi} ${lg(a)} ${lg(b)}))`);
  o.line(`(local.set $t2 (i8x16.shuffle ${lo} ${lg(c)} ${lg(d)}))`);
  o.line(`(local.set $t3 (i8x16.shuffle ${hi} ${lg(c)} ${lg(d)}))`);
  o.line(`(local.set $${r0} (i8x16.shuffle ${lo64} ${lg('t0')} ${lg('t2')}))`);
  o.line(`(local.set $${r1} (i8x16.shuffle ${hi64} ${lg('t0')} ${lg('t2')}))`);
  o.line(`(local.set $${r2} (i8x16.shuffle ${lo64} ${lg('t1')} ${lg('t3')}))`);
  o.line(`(local.set $${r3} (i8x16.shuffle ${hi64} ${lg('t1')} ${lg('t3')}))`);
}

/** $draw: the flattened parameters of network (lo, hi) under key (k0, k1) into scratch `flat`. */
function drawFunc(plan: RandNetPlan): string {
  const c = plan.config;
  const anyGauss = c.init === 'gauss' || c.biasInit === 'gauss';
  const anyUniform = c.init === 'uniform' || c.biasInit === 'uniform';
  const mixed = anyGauss && anyUniform;
  const o = new Out();
  const G = Array.from({ length: DRAW_GROUPS }, (_, g) => g);
  o.open('(func $draw (param $lo i32) (param $hi i32) (param $s i32) (param $k0 i32) (param $k1 i32)');
  o.line('(local $pb i32) (local $c0 v128) (local $c1 v128) (local $c3 v128)');
  o.line('(local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)');
  for (const g of G)
    for (const name of [
      'wx',
      'wy',
      'wz',
      'ww',
      'n0',
      'n1',
      'n2',
      'n3',
      'u0',
      'u1',
      'u2',
      'u3',
      'r0',
      'r1',
      'r2',
      'r3',
      'q0',
      'q1',
      'q2',
      'q3',
    ])
      o.line(`(local $${name}_${g} v128)`);
  o.line(`(local.set $c0 (i32x4.splat ${lg('lo')}))`);
  o.line(`(local.set $c1 (i32x4.splat ${lg('hi')}))`);
  o.line(`(local.set $c3 (i32x4.splat (i32.const ${STREAM_RANDNET})))`);
  // $pb: byte offset of the pass's first parameter (64 bytes = 16 parameters = 4 blocks per group).
  o.open('(loop $group');
  for (const g of G) {
    o.line(
      `(call $philox ${lg('c0')} ${lg('c1')} (i32x4.add (i32x4.splat (i32.add (i32.shr_u ${lg('pb')} (i32.const 4)) (i32.const ${4 * g}))) (v128.const i32x4 0 1 2 3)) ${lg('c3')} ${lg('k0')} ${lg('k1')})`,
    );
    o.line(`(local.set $ww_${g}) (local.set $wz_${g}) (local.set $wy_${g}) (local.set $wx_${g})`);
  }
  for (const g of G) {
    const w = (x: string) => lg(`${x}_${g}`);
    if (anyGauss) {
      o.line(`(call $box_muller ${w('wx')} ${w('wy')}) (local.set $n1_${g}) (local.set $n0_${g})`);
      o.line(`(call $box_muller ${w('wz')} ${w('ww')}) (local.set $n3_${g}) (local.set $n2_${g})`);
    }
    if (anyUniform) {
      // 2u − 1 with u = (k + ½)/2^23: exact in f32, as in the shader.
      for (const [i, x] of ['wx', 'wy', 'wz', 'ww'].entries())
        o.line(
          `(local.set $u${i}_${g} (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2) (call $uniform_open01 ${w(x)})) (v128.const f32x4 1 1 1 1)))`,
        );
    }
  }
  for (const g of G) {
    const names = (x: string) => [0, 1, 2, 3].map((i) => `${x}${i}_${g}`);
    if (anyGauss) transpose(o, names('n'), names('r'));
    if (anyUniform) transpose(o, names('u'), names('q'));
    for (let i = 0; i < 4; i++) {
      const at = 64 * g + 16 * i;
      let v = anyGauss ? lg(`r${i}_${g}`) : lg(`q${i}_${g}`);
      if (mixed)
        v = `(v128.bitselect ${lg(`q${i}_${g}`)} ${lg(`r${i}_${g}`)} (v128.load offset=${plan.maskBase + at} ${lg('pb')}))`;
      o.line(
        `(v128.store offset=${plan.flat + at} (i32.add ${lg('s')} ${lg('pb')}) (f32x4.mul (v128.load offset=${plan.scaleBase + at} ${lg('pb')}) ${v}))`,
      );
    }
  }
  o.line(`(local.set $pb (i32.add ${lg('pb')} (i32.const ${64 * DRAW_GROUPS})))`);
  o.line(`(br_if $group (i32.lt_u ${lg('pb')} (i32.const ${4 * plan.paddedParams})))`);
  o.close();
  o.close();
  return o.text();
}

/** $scatter: the flat parameters into the layer layouts (destination table `map`). */
function scatterFunc(plan: RandNetPlan): string {
  const o = new Out();
  o.open('(func $scatter (param $s i32)');
  o.line('(local $p4 i32)');
  o.open('(loop $p');
  o.line(
    `(f32.store (i32.add ${lg('s')} (i32.load offset=${plan.mapBase} ${lg('p4')})) (f32.load offset=${plan.flat} (i32.add ${lg('s')} ${lg('p4')})))`,
  );
  o.line(`(local.set $p4 (i32.add ${lg('p4')} (i32.const 4)))`);
  o.line(`(br_if $p (i32.lt_u ${lg('p4')} (i32.const ${4 * plan.params})))`);
  o.close();
  o.close();
  return o.text();
}

/**
 * Stores v128 `v` (output block q of a hidden layer at point pointer $pt = s + 4·i) transposed into
 * hT (unit u at hT + 512·u + 4·i), the real units only.
 */
function storeTransposed(o: Out, plan: RandNetPlan, q: number, fanOut: number, v: string): void {
  for (let c = 0; c < 4 && 4 * q + c < fanOut; c++)
    o.line(
      `(f32.store offset=${plan.hT + 4 * MAX_POINTS * (4 * q + c)} ${lg('pt')} (f32x4.extract_lane ${c} ${v}))`,
    );
}

/** $eval: the outputs at every input point of the network in the layer layouts, into scratch `out`. */
function evalFunc(plan: RandNetPlan): string {
  const c = plan.config;
  const L = plan.layers.length;
  const P = plan.points;
  const o = new Out();
  const maxBlocks = Math.max(...plan.layers.map((l) => l.blocks));
  o.open('(func $eval (param $s i32)');
  o.line('(local $t i32) (local $a i32) (local $d i32) (local $pt i32) (local $pr i32) (local $po i32)');
  o.line('(local $lp i32) (local $e i32) (local $wa i32) (local $h f32) (local $v v128) (local $x v128)');
  for (let q = 0; q < Math.max(16, maxBlocks); q++) o.line(`(local $w${q} v128) (local $acc${q} v128)`);

  // ---- layer 0: the tree over inputs, rows of `blocks` v128 per node in hA ----
  const L0 = plan.layers[0];
  const row0 = 16 * L0.blocks;
  for (let q = 0; q < L0.blocks; q++)
    o.line(
      `(v128.store offset=${plan.hA + 16 * q} ${lg('s')} (v128.load offset=${L0.bBase + 16 * q} ${lg('s')}))`,
    );
  for (let j = 0; j < c.inputs; j++) {
    const nodes = 2 ** j;
    for (let q = 0; q < L0.blocks; q++)
      o.line(`(local.set $w${q} (v128.load offset=${L0.wBase + 16 * (j * L0.blocks + q)} ${lg('s')}))`);
    // Parents t = nodes−1 … 0 (descending, so the children 2t, 2t+1 overwrite only read nodes).
    o.line(`(local.set $a (i32.add ${lg('s')} (i32.const ${plan.hA + (nodes - 1) * row0})))`);
    o.line(`(local.set $d (i32.add ${lg('s')} (i32.const ${plan.hA + 2 * (nodes - 1) * row0})))`);
    o.line(`(local.set $t (i32.const ${nodes}))`);
    o.open(`(loop $tree${j}`);
    for (let q = 0; q < L0.blocks; q++) {
      o.line(`(local.set $v (v128.load offset=${16 * q} ${lg('a')}))`);
      const zeroChild = c.domain === 'pm1' ? `(f32x4.sub ${lg('v')} ${lg(`w${q}`)})` : lg('v');
      o.line(`(v128.store offset=${16 * q} ${lg('d')} ${zeroChild})`);
      o.line(`(v128.store offset=${row0 + 16 * q} ${lg('d')} (f32x4.add ${lg('v')} ${lg(`w${q}`)}))`);
    }
    o.line(`(local.set $a (i32.sub ${lg('a')} (i32.const ${row0})))`);
    o.line(`(local.set $d (i32.sub ${lg('d')} (i32.const ${2 * row0})))`);
    o.line(`(local.set $t (i32.sub ${lg('t')} (i32.const 1)))`);
    o.line(`(br_if $tree${j} ${lg('t')})`);
    o.close();
  }

  // Loops over the P points: $pt = s + 4·i, $pr = s + i·rowIn, $po = s + i·rowOut.
  const pointLoop = (name: string, rowIn: number, rowOut: number, body: () => void) => {
    o.line(`(local.set $pt ${lg('s')}) (local.set $pr ${lg('s')}) (local.set $po ${lg('s')})`);
    o.open(`(loop $${name}`);
    body();
    o.line(`(local.set $pt (i32.add ${lg('pt')} (i32.const 4)))`);
    if (rowIn) o.line(`(local.set $pr (i32.add ${lg('pr')} (i32.const ${rowIn})))`);
    if (rowOut) o.line(`(local.set $po (i32.add ${lg('po')} (i32.const ${rowOut})))`);
    o.line(`(br_if $${name} (i32.lt_u ${lg('pt')} (i32.add ${lg('s')} (i32.const ${4 * P}))))`);
    o.close();
  };

  if (L === 1) {
    // A perceptron: the tree's leaves are the outputs (lane 0 of each one-block row).
    pointLoop('perceptron', row0, 0, () =>
      o.line(`(f32.store offset=${plan.out} ${lg('pt')} (f32.load offset=${plan.hA} ${lg('pr')}))`),
    );
  } else {
    // Layer 0's activation, in place (rows) or transposed into hT when the output layer is next.
    pointLoop('act0', row0, 0, () => {
      for (let q = 0; q < L0.blocks; q++) {
        o.line(`(local.set $x (v128.load offset=${plan.hA + 16 * q} ${lg('pr')}))`);
        if (L === 2) storeTransposed(o, plan, q, L0.fanOut, activation(c, lg('x')));
        else o.line(`(v128.store offset=${plan.hA + 16 * q} ${lg('pr')} ${activation(c, lg('x'))})`);
      }
    });
    // ---- hidden → hidden layers: nonzero list per point, lanes = output units ----
    let hIn = plan.hA;
    let hOut = plan.hB;
    for (let l = 1; l + 1 < L; l++) {
      const lay = plan.layers[l];
      const rowIn = 16 * plan.layers[l - 1].blocks;
      const rowOut = 16 * lay.blocks;
      const toT = l + 2 === L;
      pointLoop(`dense${l}`, rowIn, rowOut, () => {
        // The nonzero inputs (k, h_k) in k order, 4 at a time: lanes with h ≠ 0 (NaN included) are
        // moved to the front by a shuffle chosen by their mask, values and weight-row offsets alike.
        const vals = plan.list;
        const offs = plan.list + LIST_HALF;
        const inBlocks = plan.layers[l - 1].blocks;
        o.line(`(local.set $lp ${lg('s')})`);
        for (let q = 0; q < inBlocks; q++) {
          o.line(`(local.set $x (v128.load offset=${hIn + 16 * q} ${lg('pr')}))`);
          const real = Math.min(4, lay.fanIn - 4 * q);
          let m = `(i32x4.bitmask (f32x4.ne ${lg('x')} ${ZERO}))`;
          if (real < 4) m = `(i32.and ${m} (i32.const ${(1 << real) - 1}))`; // padding lanes never count
          o.line(`(local.set $t ${m})`);
          o.line(`(local.set $v (v128.load offset=${plan.lutBase} (i32.shl ${lg('t')} (i32.const 4))))`);
          const rows = [0, 1, 2, 3].map((c) => lay.wBase + 16 * lay.blocks * (4 * q + c)).join(' ');
          o.line(`(v128.store offset=${vals} ${lg('lp')} (i8x16.swizzle ${lg('x')} ${lg('v')}))`);
          o.line(
            `(v128.store offset=${offs} ${lg('lp')} (i8x16.swizzle (v128.const i32x4 ${rows}) ${lg('v')}))`,
          );
          o.line(`(local.set $lp (i32.add ${lg('lp')} (i32.shl (i32.popcnt ${lg('t')}) (i32.const 2))))`);
        }
        // An odd count gets a pad term h = 0 (w·0 adds ±0: no sum changes), so terms go in pairs.
        o.line(`(f32.store offset=${vals} ${lg('lp')} (f32.const 0))`);
        o.line(`(i32.store offset=${offs} ${lg('lp')} (i32.const ${lay.wBase}))`);
        o.line(
          `(local.set $lp (i32.add ${lg('lp')} (i32.and (i32.sub ${lg('lp')} ${lg('s')}) (i32.const 4))))`,
        );
        // Output blocks in groups small enough to stay in registers (≤ 12 accumulators).
        const groups = Math.ceil(lay.blocks / 12);
        const size = Math.ceil(lay.blocks / groups);
        for (let q0 = 0; q0 < lay.blocks; q0 += size) {
          const q1 = Math.min(lay.blocks, q0 + size);
          for (let q = q0; q < q1; q++)
            o.line(`(local.set $acc${q} (v128.load offset=${lay.bBase + 16 * q} ${lg('s')}))`);
          o.line(`(local.set $e ${lg('s')})`);
          o.open(`(block $done${l}_${q0}`);
          o.open(`(loop $terms${l}_${q0}`);
          o.line(`(br_if $done${l}_${q0} (i32.ge_u ${lg('e')} ${lg('lp')}))`);
          for (const at of [0, 4]) {
            o.line(`(local.set $wa (i32.add ${lg('s')} (i32.load offset=${offs + at} ${lg('e')})))`);
            o.line(`(local.set $v (v128.load32_splat offset=${vals + at} ${lg('e')}))`);
            for (let q = q0; q < q1; q++)
              o.line(
                `(local.set $acc${q} (f32x4.add ${lg(`acc${q}`)} (f32x4.mul (v128.load offset=${16 * q} ${lg('wa')}) ${lg('v')})))`,
              );
          }
          o.line(`(local.set $e (i32.add ${lg('e')} (i32.const 8)))`);
          o.line(`(br $terms${l}_${q0})`);
          o.close();
          o.close();
          for (let q = q0; q < q1; q++) {
            if (toT) storeTransposed(o, plan, q, lay.fanOut, activation(c, lg(`acc${q}`)));
            else o.line(`(v128.store offset=${hOut + 16 * q} ${lg('po')} ${activation(c, lg(`acc${q}`))})`);
          }
        }
      });
      [hIn, hOut] = [hOut, hIn];
    }
    // ---- output layer: lanes = 4 points, U point groups at a time ----
    const last = plan.layers[L - 1];
    const groups4 = Math.max(1, P / 4);
    const U = Math.min(4, groups4);
    o.line(`(local.set $pt ${lg('s')})`);
    o.open('(loop $output');
    for (let u = 0; u < U; u++)
      o.line(`(local.set $acc${u} (v128.load32_splat offset=${last.bBase} ${lg('s')}))`);
    for (let k = 0; k < last.fanIn; k++) {
      o.line(`(local.set $v (v128.load32_splat offset=${last.wBase + 4 * k} ${lg('s')}))`);
      for (let u = 0; u < U; u++)
        o.line(
          `(local.set $acc${u} (f32x4.add ${lg(`acc${u}`)} (f32x4.mul ${lg('v')} (v128.load offset=${plan.hT + 4 * MAX_POINTS * k + 16 * u} ${lg('pt')}))))`,
        );
    }
    for (let u = 0; u < U; u++)
      o.line(`(v128.store offset=${plan.out + 16 * u} ${lg('pt')} ${lg(`acc${u}`)})`);
    o.line(`(local.set $pt (i32.add ${lg('pt')} (i32.const ${16 * U})))`);
    o.line(`(br_if $output (i32.lt_u ${lg('pt')} (i32.add ${lg('s')} (i32.const ${4 * Math.max(4, P)}))))`);
    o.close();
  }
  o.close();
  return o.text();
}

/** $pack: the key of the outputs in scratch `out` (bit i = out[i] > 0) stored at $dst (4 words). */
function packFunc(plan: RandNetPlan): string {
  const P = plan.points;
  const o = new Out();
  o.open('(func $pack (param $s i32) (param $dst i32)');
  o.line('(local $k0 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)');
  for (let g = 0; g < Math.max(1, P / 4); g++) {
    let bits = `(i32x4.bitmask (f32x4.gt (v128.load offset=${plan.out + 16 * g} ${lg('s')}) ${ZERO}))`;
    if (P < 4) bits = `(i32.and ${bits} (i32.const ${(1 << P) - 1}))`;
    const w = `k${g >> 3}`;
    o.line(`(local.set $${w} (i32.or ${lg(w)} (i32.shl ${bits} (i32.const ${(4 * g) & 31}))))`);
  }
  for (let w = 0; w < 4; w++) o.line(`(i32.store offset=${4 * w} ${lg('dst')} ${lg(`k${w}`)})`);
  o.close();
  return o.text();
}

/** Exports: keys (the workers' claim loop), params and outputs (tests). */
function exportFuncs(plan: RandNetPlan): string {
  const idx = [
    `(local.set $lo (i32.add ${lg('first_lo')} ${lg('i')}))`,
    `(local.set $hi (i32.add ${lg('first_hi')} (i32.lt_u ${lg('lo')} ${lg('first_lo')})))`,
  ];
  const head = (name: string) =>
    `(func (export "${name}") (param $first_lo i32) (param $first_hi i32) (param $count i32) (param $dst i32) (param $s i32) (param $k0 i32) (param $k1 i32)`;
  return `
  ;; Networks first + [0, count): chunks of $chunk claimed from the counter at $ctr, so any number of
  ;; workers may share a batch; network i's key goes to dst + 16·i whoever computes it.
  ${head('keys')} (param $ctr i32) (param $chunk i32)
    (local $i i32) (local $end i32) (local $lo i32) (local $hi i32)
    (loop $claim
      (local.set $i (i32.mul (i32.atomic.rmw.add (local.get $ctr) (i32.const 1)) (local.get $chunk)))
      (if (i32.ge_u (local.get $i) (local.get $count)) (then (return)))
      (local.set $end (select (local.get $count) (i32.add (local.get $i) (local.get $chunk))
        (i32.gt_u (i32.add (local.get $i) (local.get $chunk)) (local.get $count))))
      (loop $net
        ${idx.join('\n        ')}
        (call $draw (local.get $lo) (local.get $hi) (local.get $s) (local.get $k0) (local.get $k1))
        (call $scatter (local.get $s))
        (call $eval (local.get $s))
        (call $pack (local.get $s) (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $net (i32.lt_u (local.get $i) (local.get $end))))
      (br $claim)))
  ;; Tests: the flattened parameters (${plan.params} f32 per network) at dst.
  ${head('params')}
    (local $i i32) (local $lo i32) (local $hi i32) (local $p i32) (local $o i32)
    (local.set $o (local.get $dst))
    (loop $net
      ${idx.join('\n      ')}
      (call $draw (local.get $lo) (local.get $hi) (local.get $s) (local.get $k0) (local.get $k1))
      (local.set $p (i32.const 0))
      (loop $copy
        (f32.store (local.get $o) (f32.load offset=${plan.flat} (i32.add (local.get $s) (local.get $p))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $copy (i32.lt_u (local.get $p) (i32.const ${4 * plan.params}))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $net (i32.lt_u (local.get $i) (local.get $count))))
  )
  ;; Tests: the raw outputs (${OUT_SLOTS} f32 per network; points ≥ 2^n are meaningless) at dst.
  ${head('outputs')}
    (local $i i32) (local $lo i32) (local $hi i32) (local $p i32)
    (loop $net
      ${idx.join('\n      ')}
      (call $draw (local.get $lo) (local.get $hi) (local.get $s) (local.get $k0) (local.get $k1))
      (call $scatter (local.get $s))
      (call $eval (local.get $s))
      (local.set $p (i32.const 0))
      (loop $copy
        (v128.store (i32.add (local.get $dst) (local.get $p)) (v128.load offset=${plan.out} (i32.add (local.get $s) (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $copy (i32.lt_u (local.get $p) (i32.const ${4 * OUT_SLOTS}))))
      (local.set $dst (i32.add (local.get $dst) (i32.const ${4 * OUT_SLOTS})))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $net (i32.lt_u (local.get $i) (local.get $count))))
  )`;
}

/** The whole module for `plan`, with the toolkit's Philox and vector math spliced in. */
export function randnetModuleText(plan: RandNetPlan, lib: { philox: string; vmath: string }): string {
  return [
    ';; Generated by src/cpu/randnet-wat.ts for one random-network architecture.',
    '(module',
    '  (import "env" "memory" (memory 1 65536 shared))',
    lib.philox,
    lib.vmath,
    drawFunc(plan),
    scatterFunc(plan),
    evalFunc(plan),
    packFunc(plan),
    exportFuncs(plan),
    ')',
  ].join('\n');
}
