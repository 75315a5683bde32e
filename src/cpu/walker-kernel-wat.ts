/**
 * The walker kernels of shaders/langevin.wgsl (init_walkers, ula_steps), shaders/mala.wgsl and
 * shaders/posterior.wgsl + diagnostics.wgsl as WebAssembly SIMD text: four walkers per v128, one per
 * f32x4 lane, the coordinates of a D-dimensional walker unrolled into D v128 locals.
 *
 * Every float operation follows the WGSL's order of operations (no reassociation), and the random
 * words are the same Philox counters (walker, step, block, stream; key = seed), so a walker's
 * trajectory matches the GPU's up to the rounding of log/exp/sin/cos (vmath.wat is not bit-exact with
 * any GPU). Lanes are independent: a branch that only some lanes take (a diverged walker, a proposal
 * near a wall) is computed for all four and merged with v128.bitselect, so each lane's result is what
 * the per-walker WGSL computes.
 *
 * State lives in the shared linear memory in the GPU buffers' layouts (positions walker-major with
 * stride D, current_loss, loss_sum, accepts, diverged, diag_sums as a vec4 per walker, the metric
 * buffer's per-group stride), located by a context block at `ctx` (CTX below) that the host writes
 * before each call. The dense metric and replica exchange are not here (the CPU backend refuses them).
 *
 * Exports (all i32 args): init(ctx, first, count), ula(ctx, first, count, steps, step_base),
 * mala(ctx, first, count, steps, step_base); `first` and `count` are multiples of 4 (the host pads the
 * walker count to a multiple of 64, so the ULA scoring phase ⌊i/64⌋ is constant over a quad).
 */

import { philox2Wat } from './walker-philox2';

/** Byte offsets of the context block's fields (i32 unless marked f32). */
export const CTX = {
  positions: 0,
  currentLoss: 4,
  lossSum: 8,
  accepts: 12,
  diverged: 16,
  diagSums: 20,
  metric: 24,
  lp: 28,
  wstar: 32,
  groupNbeta: 36,
  groupEps: 40,
  seedLo: 44,
  seedHi: 48,
  priorKind: 52,
  /** f32 */
  priorScale: 56,
  /** f32 */
  gamma: 60,
  groups: 64,
  groupSize: 68,
  accumulate: 72,
  initKind: 76,
  /** Floats per group in the metric buffer (D + D(D+1)/2, as the GPU's). */
  metricStride: 80,
  bytes: 128,
} as const;

export interface WalkerKernelParts {
  readonly dim: number;
  /** Toolkit WAT (philox, vmath) and the landscape's $loss/$grad, spliced inside the module. */
  readonly philox: string;
  readonly vmath: string;
  readonly landscape: string;
  /** Import a shared memory (worker threads; the default) or a plain one (one thread, e.g. a page). */
  readonly sharedMemory?: boolean;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, j) => j);
/** `$p0 … $p{D−1}` as `(local.get …)` operands. */
const gets = (p: string, d: number): string =>
  range(d)
    .map((j) => `(local.get $${p}${j})`)
    .join(' ');
const params = (p: string, d: number): string =>
  range(d)
    .map((j) => `(param $${p}${j} v128)`)
    .join(' ');
const results = (d: number): string =>
  range(d)
    .map(() => 'v128')
    .join(' ');
const locals = (p: string, d: number, type = 'v128'): string =>
  range(d)
    .map((j) => `(local $${p}${j} ${type})`)
    .join(' ');
/** Pops D values (pushed in order 0..D−1) into $p0..$p{D−1}. */
const setAll = (p: string, d: number): string =>
  range(d)
    .reverse()
    .map((j) => `(local.set $${p}${j})`)
    .join(' ');
const splat = (x: number | string): string => `(f32x4.splat (f32.const ${x}))`;
const sel = (a: string, b: string, mask: string): string => `(v128.bitselect ${a} ${b} ${mask})`;

/** The whole module text for a D-dimensional landscape. */
export function walkerKernelWat(parts: WalkerKernelParts): string {
  const d = parts.dim;
  const blocks = Math.ceil(d / 4);
  const g = (name: string) => `(global $${name} (mut v128) (v128.const i32x4 0 0 0 0))`;

  // D standard normals for (walkers iv, step, stream): block b feeds coordinates 4b..4b+3 (draw_normals).
  const normals = `
  (func $normals (param $iv v128) (param $step i32) (param $stream i32) (result ${results(d)})
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) ${locals('z', 4 * blocks)}
    ${range(blocks)
      .map(
        (b) => `
    (call $philox (local.get $iv) (i32x4.splat (local.get $step)) (i32x4.splat (i32.const ${b}))
      (i32x4.splat (local.get $stream)) (global.get $k0) (global.get $k1))
    (local.set $r3) (local.set $r2) (local.set $r1) (local.set $r0)
    (call $box_muller (local.get $r0) (local.get $r1)) (local.set $z${4 * b + 1}) (local.set $z${4 * b})
    ${4 * b + 2 < d ? `(call $box_muller (local.get $r2) (local.get $r3)) (local.set $z${4 * b + 3}) (local.set $z${4 * b + 2})` : ''}`,
      )
      .join('')}
    ${gets('z', d)})`;

  // A draw from the prior (draw_prior): R·z, or R·(2u − 1) per coordinate in the box.
  const prior = `
  (func $prior (param $iv v128) (param $step i32) (param $stream i32) (result ${results(d)})
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) ${locals('z', d)}
    (if (i32.eq (global.get $prior_kind) (i32.const 1))
      (then
        (call $normals (local.get $iv) (local.get $step) (local.get $stream)) ${setAll('z', d)}
        ${range(d)
          .map((j) => `(local.set $z${j} (f32x4.mul (global.get $rv) (local.get $z${j})))`)
          .join(' ')})
      (else
        ${range(blocks)
          .map(
            (b) => `
        (call $philox (local.get $iv) (i32x4.splat (local.get $step)) (i32x4.splat (i32.const ${b}))
          (i32x4.splat (local.get $stream)) (global.get $k0) (global.get $k1))
        (local.set $r3) (local.set $r2) (local.set $r1) (local.set $r0)
        ${range(4)
          .filter((c) => 4 * b + c < d)
          .map(
            (c) =>
              `(local.set $z${4 * b + c} (f32x4.mul (global.get $rv) (f32x4.sub (f32x4.mul ${splat(2)} (call $uniform_open01 (local.get $r${c}))) ${splat(1)})))`,
          )
          .join('\n        ')}`,
          )
          .join('')}))
    ${gets('z', d)})`;

  // reflect_into_box: y = (x + r) − P·floor((x + r)/P); y > 2r → P − y; y − r.
  const fold = `
  (func $fold (param $x v128) (result v128) (local $t v128) (local $y v128)
    (local.set $t (f32x4.add (local.get $x) (global.get $rv)))
    (local.set $y (f32x4.sub (local.get $t)
      (f32x4.mul (global.get $period) (f32x4.floor (f32x4.div (local.get $t) (global.get $period))))))
    (local.set $y ${sel('(f32x4.sub (global.get $period) (local.get $y))', '(local.get $y)', '(f32x4.gt (local.get $y) (global.get $r2v))')})
    (f32x4.sub (local.get $y) (global.get $rv)))`;

  // log_folded_normal(y, mu, s): the fast path, or the images' log-sum-exp where any lane is near a
  // wall. The images are those of the WGSL (within `reach` periods of the nearest one of each family,
  // reach = clamp(⌈8s/P⌉, 1, 8) per lane), summed as m + log Σ exp(t − m) with m their largest term
  // (two passes, where the WGSL keeps an online log-sum-exp: the same value up to f32 rounding). A term
  // more than 24 below m is dropped (below e^−24 of a sum ≥ 1: under half an ulp), and the largest
  // one adds 1 with no exp: near a wall that leaves at most the reflection's exp of the WGSL's six.
  const imageTerm = `
        (local.set $of (f32x4.splat (f32.convert_i32_s (local.get $o))))
        (local.set $active (f32x4.le (f32x4.abs (local.get $of)) (local.get $reach)))
        (local.set $d (f32x4.div (f32x4.sub (f32x4.add (local.get $base)
          (f32x4.mul (global.get $period) (f32x4.add (local.get $kc) (local.get $of)))) (local.get $mu)) (local.get $s)))
        (local.set $t (f32x4.mul (f32x4.mul ${splat(-0.5)} (local.get $d)) (local.get $d)))`;
  const overImages = (body: string) => `
    (local.set $fam (i32.const 0))
    (loop $fams
      (local.set $base (if (result v128) (local.get $fam)
        (then (f32x4.sub (global.get $r2v) (local.get $y))) (else (local.get $y))))
      (local.set $kc (f32x4.nearest (f32x4.div (f32x4.sub (local.get $mu) (local.get $base)) (global.get $period))))
      (local.set $o (i32.sub (i32.const 0) (local.get $rmax)))
      (loop $images
        ${imageTerm}
        ${body}
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br_if $images (i32.le_s (local.get $o) (local.get $rmax))))
      (local.set $fam (i32.add (local.get $fam) (i32.const 1)))
      (br_if $fams (i32.lt_u (local.get $fam) (i32.const 2))))`;
  const lfn = `
  (func $lfn (param $y v128) (param $mu v128) (param $s v128) (result v128)
    (local $d0 v128) (local $fast v128) (local $slow v128) (local $reach v128) (local $rmax i32)
    (local $o i32) (local $of v128) (local $active v128) (local $fam i32) (local $base v128) (local $kc v128)
    (local $d v128) (local $t v128) (local $m v128) (local $sum v128) (local $x v128)
    (local $live v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $t4 v128) (local $t5 v128)
    (local.set $d0 (f32x4.div (f32x4.sub (local.get $y) (local.get $mu)) (local.get $s)))
    (local.set $fast (f32x4.mul (f32x4.mul ${splat(-0.5)} (local.get $d0)) (local.get $d0)))
    (if (i32.ne (global.get $prior_kind) (i32.const 0)) (then (return (local.get $fast))))
    ;; Lanes where |mu| + 8s ≤ r fails (NaN included, as in WGSL) take the slow path.
    (local.set $slow (v128.not (f32x4.le (f32x4.add (f32x4.abs (local.get $mu)) (f32x4.mul ${splat(8)} (local.get $s))) (global.get $rv))))
    (if (i32.eqz (v128.any_true (local.get $slow))) (then (return (local.get $fast))))
    (local.set $reach (f32x4.min (f32x4.max (f32x4.ceil (f32x4.div (f32x4.mul ${splat(8)} (local.get $s)) (global.get $period))) ${splat(1)}) ${splat(8)}))
    ;; The loop runs the widest lane's range; each lane counts only its own images ($active).
    (local.set $rmax (i32.trunc_sat_f32_s (f32.max (f32.max (f32x4.extract_lane 0 (local.get $reach)) (f32x4.extract_lane 1 (local.get $reach)))
      (f32.max (f32x4.extract_lane 2 (local.get $reach)) (f32x4.extract_lane 3 (local.get $reach))))))
    (if (i32.eq (local.get $rmax) (i32.const 1)) (then
      ;; Every lane's reach is 1 (8s ≤ P: any sane step): the six images in straight-line code.
      ${range(6)
        .map(
          (k) => `
      ${
        k % 3 === 0
          ? `(local.set $base ${k === 0 ? '(local.get $y)' : '(f32x4.sub (global.get $r2v) (local.get $y))'})
      (local.set $kc (f32x4.nearest (f32x4.div (f32x4.sub (local.get $mu) (local.get $base)) (global.get $period))))`
          : ''
      }
      (local.set $d (f32x4.div (f32x4.sub (f32x4.add (local.get $base)
        (f32x4.mul (global.get $period) (f32x4.add (local.get $kc) ${splat((k % 3) - 1)}))) (local.get $mu)) (local.get $s)))
      (local.set $t${k} (f32x4.mul (f32x4.mul ${splat(-0.5)} (local.get $d)) (local.get $d)))`,
        )
        .join('')}
      (local.set $m (f32x4.max (f32x4.max (f32x4.max (local.get $t0) (local.get $t1)) (f32x4.max (local.get $t2) (local.get $t3)))
        (f32x4.max (local.get $t4) (local.get $t5))))
      (local.set $sum ${splat(0)})
      ${range(6)
        .map(
          (k) => `
      (local.set $x (f32x4.sub (local.get $t${k}) (local.get $m)))
      (local.set $live (f32x4.gt (local.get $x) ${splat(-24)}))
      (if (v128.any_true (local.get $live)) (then
        ;; The largest term is e^0 = 1: no exp where every live lane holds it.
        (local.set $sum (f32x4.add (local.get $sum) (v128.and (local.get $live)
          (if (result v128) (v128.any_true (v128.andnot (local.get $live) (f32x4.eq (local.get $x) ${splat(0)})))
            (then (call $vexp (local.get $x))) (else ${splat(1)})))))))`,
        )
        .join('')})
    (else
      (local.set $m ${splat('-3.0e38')})
      ${overImages(`(local.set $m ${sel('(f32x4.max (local.get $m) (local.get $t))', '(local.get $m)', '(local.get $active)')})`)}
      (local.set $sum ${splat(0)})
      ${overImages(`
        (local.set $x (f32x4.sub (local.get $t) (local.get $m)))
        (if (v128.any_true (v128.and (local.get $active) (f32x4.gt (local.get $x) ${splat(-24)})))
          (then (local.set $sum (f32x4.add (local.get $sum)
            (v128.and (local.get $active) (call $vexp (local.get $x)))))))`)}))
    ;; A lone image (sum = 1 in every slow lane: the walls' images negligible) needs no log: log 1 = 0.
    (if (i32.eqz (v128.any_true (v128.and (local.get $slow) (f32x4.ne (local.get $sum) ${splat(1)}))))
      (then (return ${sel('(local.get $m)', '(local.get $fast)', '(local.get $slow)')})))
    ${sel('(f32x4.add (local.get $m) (call $vlog (local.get $sum)))', '(local.get $fast)', '(local.get $slow)')})`;

  // log q(dst | src) of the folded diagonal-metric Langevin proposal (log_proposal).
  const logprop = `
  (func $logprop ${params('dst', d)} ${params('src', d)} ${params('gs', d)} (result v128) (local $s v128)
    (local.set $s ${splat(0)})
    ${range(d)
      .map(
        (j) =>
          `(local.set $s (f32x4.add (local.get $s) (call $lfn (local.get $dst${j}) (f32x4.sub (local.get $src${j}) (f32x4.mul (global.get $a${j}) (local.get $gs${j}))) (global.get $sq${j}))))`,
      )
      .join('\n    ')}
    (local.get $s))`;

  // potential(w, l) = nβ·l + prior_potential(w) + (γ/2)·|w − w*|².
  const potential = `
  (func $potential ${params('w', d)} (param $l v128) (result v128) (local $loc v128) (local $sq v128) (local $pp v128) (local $dw v128)
    (local.set $loc ${splat(0)})
    ${range(d)
      .map(
        (j) =>
          `(local.set $dw (f32x4.sub (local.get $w${j}) (global.get $ws${j}))) (local.set $loc (f32x4.add (local.get $loc) (f32x4.mul (local.get $dw) (local.get $dw))))`,
      )
      .join('\n    ')}
    (local.set $pp ${splat(0)})
    (if (i32.eq (global.get $prior_kind) (i32.const 1))
      (then
        (local.set $sq ${splat(0)})
        ${range(d)
          .map(
            (j) =>
              `(local.set $sq (f32x4.add (local.get $sq) (f32x4.mul (local.get $w${j}) (local.get $w${j}))))`,
          )
          .join(' ')}
        (local.set $pp (f32x4.div (f32x4.mul ${splat(0.5)} (local.get $sq)) (global.get $rr)))))
    (f32x4.add (f32x4.add (f32x4.mul (global.get $nb) (local.get $l)) (local.get $pp)) (f32x4.mul (global.get $halfgam) (local.get $loc))))`;

  // potential_grad(w) = nβ·∇L + prior precision·w + γ·(w − w*).
  const pgrad = `
  (func $pgrad ${params('w', d)} (result ${results(d)}) ${locals('g', d)}
    (call $grad ${gets('w', d)}) ${setAll('g', d)}
    ${range(d)
      .map(
        (j) =>
          `(f32x4.add (f32x4.add (f32x4.mul (global.get $nb) (local.get $g${j})) (f32x4.mul (global.get $pprec) (local.get $w${j}))) (f32x4.mul (global.get $gam) (f32x4.sub (local.get $w${j}) (global.get $ws${j}))))`,
      )
      .join('\n    ')})`;

  // is_diverged(raw, l): a lane mask, NaN/Inf detected on the bits as in WGSL.
  const nonFinite = (x: string) =>
    `(i32x4.eq (v128.and ${x} (v128.const i32x4 0x7F800000 0x7F800000 0x7F800000 0x7F800000)) (v128.const i32x4 0x7F800000 0x7F800000 0x7F800000 0x7F800000))`;
  const diverged = `
  (func $diverged ${params('x', d)} (param $l v128) (result v128) (local $m v128)
    (local.set $m (v128.or ${nonFinite('(local.get $l)')} (f32x4.gt (f32x4.abs (local.get $l)) ${splat('1e30')})))
    ${range(d)
      .map(
        (j) =>
          `(local.set $m (v128.or (local.get $m) (v128.or ${nonFinite(`(local.get $x${j})`)} (f32x4.gt (f32x4.abs (local.get $x${j})) ${splat('1e15')}))))`,
      )
      .join('\n    ')}
    (local.get $m))`;

  // The settings every call reads from the context block (the host writes them before the call).
  const setup = `
  (func $setup (param $ctx i32) (local $r f32)
    (global.set $lp_base (i32.load offset=${CTX.lp} (local.get $ctx)))
    (global.set $k0 (i32.load offset=${CTX.seedLo} (local.get $ctx)))
    (global.set $k1 (i32.load offset=${CTX.seedHi} (local.get $ctx)))
    (global.set $prior_kind (i32.load offset=${CTX.priorKind} (local.get $ctx)))
    (local.set $r (f32.load offset=${CTX.priorScale} (local.get $ctx)))
    (global.set $rv (f32x4.splat (local.get $r)))
    (global.set $r2v (f32x4.splat (f32.mul (f32.const 2) (local.get $r))))
    (global.set $period (f32x4.splat (f32.mul (f32.const 4) (local.get $r))))
    (global.set $rr (f32x4.splat (f32.mul (local.get $r) (local.get $r))))
    (global.set $pprec (if (result v128) (i32.eq (global.get $prior_kind) (i32.const 1))
      (then (f32x4.splat (f32.div (f32.const 1) (f32.mul (local.get $r) (local.get $r))))) (else ${splat(0)})))
    (global.set $gam (f32x4.splat (f32.load offset=${CTX.gamma} (local.get $ctx))))
    (global.set $halfgam (f32x4.splat (f32.mul (f32.const 0.5) (f32.load offset=${CTX.gamma} (local.get $ctx)))))
    ${range(d)
      .map(
        (j) =>
          `(global.set $ws${j} (f32x4.splat (f32.load offset=${4 * j} (i32.load offset=${CTX.wstar} (local.get $ctx)))))`,
      )
      .join('\n    ')})`;

  // use_walker_group for the quad at walker q: per-lane nβ, ε and metric (a group boundary may fall
  // inside a quad), the precomputed (ε/2)·M_j and √(ε·M_j) of langevin_move (the same f32 products, in
  // the WGSL's order), and the dataset slot of lane 0 (the host refuses multi-dataset landscapes whose
  // groups are not quad-aligned).
  const laneGroup = (l: number) =>
    `(call $group_of (i32.add (local.get $q) (i32.const ${l})) (local.get $gs) (local.get $gmax))`;
  const laneF32 = (ptr: string, idx: (l: number) => string) =>
    range(4).reduce(
      (acc, l) =>
        l === 0
          ? `(f32x4.splat (f32.load (i32.add ${ptr} (i32.shl ${idx(0)} (i32.const 2)))))`
          : `(f32x4.replace_lane ${l} ${acc} (f32.load (i32.add ${ptr} (i32.shl ${idx(l)} (i32.const 2)))))`,
      '',
    );
  const useGroup = `
  (func $group_of (param $i i32) (param $gs i32) (param $gmax i32) (result i32) (local $g i32)
    (local.set $g (i32.div_u (local.get $i) (local.get $gs)))
    (select (local.get $g) (local.get $gmax) (i32.lt_u (local.get $g) (local.get $gmax))))
  (func $use_group (param $ctx i32) (param $q i32) (local $gs i32) (local $gmax i32) (local $m v128) (local $stride i32)
    (local.set $gs (i32.load offset=${CTX.groupSize} (local.get $ctx)))
    (if (i32.eqz (local.get $gs)) (then (local.set $gs (i32.const 1))))
    (local.set $gmax (i32.sub (i32.load offset=${CTX.groups} (local.get $ctx)) (i32.const 1)))
    (local.set $stride (i32.load offset=${CTX.metricStride} (local.get $ctx)))
    (global.set $landscape_slot ${laneGroup(0)})
    (global.set $nb ${laneF32(`(i32.load offset=${CTX.groupNbeta} (local.get $ctx))`, laneGroup)})
    (global.set $eps ${laneF32(`(i32.load offset=${CTX.groupEps} (local.get $ctx))`, laneGroup)})
    ${range(d)
      .map(
        (j) => `
    (local.set $m ${laneF32(`(i32.load offset=${CTX.metric} (local.get $ctx))`, (l) => `(i32.add (i32.mul ${laneGroup(l)} (local.get $stride)) (i32.const ${j}))`)})
    (global.set $a${j} (f32x4.mul (f32x4.mul ${splat(0.5)} (global.get $eps)) (local.get $m)))
    (global.set $sq${j} (f32x4.sqrt (f32x4.mul (global.get $eps) (local.get $m))))`,
      )
      .join('')})`;

  // Quad load/store of the walker-major positions and the vec4-per-walker diagnostics.
  const posAddr = (j: number, l: number) =>
    `(i32.add (local.get $pos) (i32.shl (i32.add (i32.mul (i32.add (local.get $q) (i32.const ${l})) (i32.const ${d})) (i32.const ${j})) (i32.const 2)))`;
  const loadW = range(d)
    .map(
      (j) =>
        `(local.set $w${j} ${range(4).reduce((acc, l) => (l === 0 ? `(f32x4.splat (f32.load ${posAddr(j, 0)}))` : `(f32x4.replace_lane ${l} ${acc} (f32.load ${posAddr(j, l)}))`), '')})`,
    )
    .join('\n      ');
  const storeW = range(d)
    .map((j) =>
      range(4)
        .map((l) => `(f32.store ${posAddr(j, l)} (f32x4.extract_lane ${l} (local.get $w${j})))`)
        .join(' '),
    )
    .join('\n      ');
  const diagAddr = (c: number, l: number) =>
    `(i32.add (local.get $dgp) (i32.shl (i32.add (i32.shl (i32.add (local.get $q) (i32.const ${l})) (i32.const 2)) (i32.const ${c})) (i32.const 2)))`;
  const loadDiag = range(4)
    .map(
      (c) =>
        `(local.set $dg${c} ${range(4).reduce((acc, l) => (l === 0 ? `(f32x4.splat (f32.load ${diagAddr(c, 0)}))` : `(f32x4.replace_lane ${l} ${acc} (f32.load ${diagAddr(c, l)}))`), '')})`,
    )
    .join('\n      ');
  const storeDiag = range(4)
    .map((c) =>
      range(4)
        .map((l) => `(f32.store ${diagAddr(c, l)} (f32x4.extract_lane ${l} (local.get $dg${c})))`)
        .join(' '),
    )
    .join('\n      ');
  const at4 = (base: string) => `(i32.add (local.get ${base}) (i32.shl (local.get $q) (i32.const 2)))`;

  // The per-call prologue: bases, then the quad loop over [first, first + count).
  const prologue = `
    (call $setup (local.get $ctx))
    (local.set $pos (i32.load offset=${CTX.positions} (local.get $ctx)))
    (local.set $lossp (i32.load offset=${CTX.currentLoss} (local.get $ctx)))
    (local.set $lsump (i32.load offset=${CTX.lossSum} (local.get $ctx)))
    (local.set $accp (i32.load offset=${CTX.accepts} (local.get $ctx)))
    (local.set $divp (i32.load offset=${CTX.diverged} (local.get $ctx)))
    (local.set $dgp (i32.load offset=${CTX.diagSums} (local.get $ctx)))
    (local.set $accum (i32.load offset=${CTX.accumulate} (local.get $ctx)))
    (local.set $q (local.get $first))
    (local.set $end (i32.add (local.get $first) (local.get $count)))`;
  const commonLocals = `(local $pos i32) (local $lossp i32) (local $lsump i32) (local $accp i32) (local $divp i32)
    (local $dgp i32) (local $accum i32) (local $q i32) (local $end i32) (local $iv v128)`;
  const quadHead = `
      (call $use_group (local.get $ctx) (local.get $q))
      (local.set $iv (i32x4.add (i32x4.splat (local.get $q)) (v128.const i32x4 0 1 2 3)))`;

  // diag_add: (c, Σ(L − c), Σ(L − c)², samples), c = the first sampled loss.
  const accumulate = `
        (if (local.get $accum) (then
          (local.set $lsum (f32x4.add (local.get $lsum) (local.get $l)))
          (local.set $dg0 ${sel('(local.get $l)', '(local.get $dg0)', `(f32x4.eq (local.get $dg3) ${splat(0)})`)})
          (local.set $t (f32x4.sub (local.get $l) (local.get $dg0)))
          (local.set $dg1 (f32x4.add (local.get $dg1) (local.get $t)))
          (local.set $dg2 (f32x4.add (local.get $dg2) (f32x4.mul (local.get $t) (local.get $t))))
          (local.set $dg3 (f32x4.add (local.get $dg3) ${splat(1)}))))`;

  const storeState = `
      ${storeW}
      (v128.store ${at4('$lossp')} (local.get $l))
      (v128.store ${at4('$lsump')} (f32x4.add (v128.load ${at4('$lsump')}) (local.get $lsum)))
      (v128.store ${at4('$accp')} (i32x4.add (v128.load ${at4('$accp')}) (local.get $acc)))
      (v128.store ${at4('$divp')} (i32x4.add (v128.load ${at4('$divp')}) (local.get $div)))
      ${storeDiag}`;

  const init = `
  (func (export "init") (param $ctx i32) (param $first i32) (param $count i32)
    ${commonLocals} ${locals('w', d)} ${locals('p', d)} (local $kind i32) (local $mask v128) (local $l v128)
    ${prologue}
    (local.set $kind (i32.load offset=${CTX.initKind} (local.get $ctx)))
    ;; 1: every walker from the prior; 2 (mixed): odd walkers (lanes 1 and 3 of a quad, q being a multiple of 4).
    (local.set $mask (if (result v128) (i32.eq (local.get $kind) (i32.const 1))
      (then (v128.const i32x4 -1 -1 -1 -1))
      (else (if (result v128) (i32.eq (local.get $kind) (i32.const 2))
        (then (v128.const i32x4 0 -1 0 -1)) (else (v128.const i32x4 0 0 0 0))))))
    (block $done (loop $quads
      (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
      ${quadHead}
      ${range(d)
        .map((j) => `(local.set $w${j} (global.get $ws${j}))`)
        .join(' ')}
      (if (v128.any_true (local.get $mask)) (then
        (call $prior (local.get $iv) (i32.const 0) (i32.const 2)) ${setAll('p', d)}
        ${range(d)
          .map(
            (j) =>
              `(local.set $w${j} ${sel(`(local.get $p${j})`, `(local.get $w${j})`, '(local.get $mask)')})`,
          )
          .join(' ')}))
      (local.set $l (call $loss ${gets('w', d)}))
      ${storeW}
      (v128.store ${at4('$lossp')} (local.get $l))
      (v128.store ${at4('$lsump')} ${splat(0)})
      (v128.store ${at4('$accp')} ${splat(0)})
      (v128.store ${at4('$divp')} ${splat(0)})
      ${range(4)
        .map(
          (l) =>
            `(v128.store (i32.add (local.get $dgp) (i32.shl (i32.add (local.get $q) (i32.const ${l})) (i32.const 4))) ${splat(0)})`,
        )
        .join(' ')}
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $quads))))`;

  // The move of langevin_move: raw = w − (ε/2)·M·g + √(εM)·z, folded when the prior is a box.
  // The step loop's hot helpers, inlined (V8 does not inline wasm calls): the noise normals, the
  // fold, the divergence test and the potential's gradient, each the same code as its function.
  const counter = (step: string, b: number, stream: number) =>
    `(local.get $iv) (i32x4.splat ${step}) (i32x4.splat (i32.const ${b})) (i32x4.splat (i32.const ${stream}))`;
  // Block b's normals from the words in $r0..$r3 (or $s0..$s3) into $z (or $zn) (draw_normals).
  const boxMuller = (r: string, z: string, b: number) => `
        (call $box_muller (local.get $${r}0) (local.get $${r}1)) (local.set $${z}${4 * b + 1}) (local.set $${z}${4 * b})
        ${4 * b + 2 < d ? `(call $box_muller (local.get $${r}2) (local.get $${r}3)) (local.set $${z}${4 * b + 3}) (local.set $${z}${4 * b + 2})` : ''}`;
  const words = (r: string) => `(local.set $${r}3) (local.set $${r}2) (local.set $${r}1) (local.set $${r}0)`;
  const step = '(local.get $step)';
  const step1 = '(i32.add (local.get $step) (i32.const 1))';
  // ULA: the noise of steps t and t + 1 from one $philox2 (two independent chains, overlapped), the
  // second step's normals kept for the next iteration ($pair).
  const ulaNormals = `
        (if (local.get $pair)
          (then ${range(d)
            .map((j) => `(local.set $z${j} (local.get $zn${j}))`)
            .join(' ')} (local.set $pair (i32.const 0)))
          (else ${range(blocks)
            .map(
              (b) => `
            (call $philox2 ${counter(step, b, 0)} ${counter(step1, b, 0)} (global.get $k0) (global.get $k1))
            ${words('s')} ${words('r')}
            ${boxMuller('r', 'z', b)}
            ${boxMuller('s', 'zn', b)}`,
            )
            .join('')}
            (local.set $pair (i32.const 1))))`;
  // MALA: block 0's noise and the step's accept word (philox(i, step, 0, STREAM_ACCEPT).x) together.
  const malaNormals = range(blocks)
    .map((b) =>
      b === 0
        ? `
        (call $philox2 ${counter(step, 0, 0)} ${counter(step, 0, 1)} (global.get $k0) (global.get $k1))
        ${words('s')} ${words('r')}
        (local.set $aw (local.get $s0))
        ${boxMuller('r', 'z', 0)}`
        : `
        (call $philox ${counter(step, b, 0)} (global.get $k0) (global.get $k1))
        ${words('r')}
        ${boxMuller('r', 'z', b)}`,
    )
    .join('');
  const foldInline = (src: string, dst: string) => `
          (local.set $ft (f32x4.add ${src} (global.get $rv)))
          (local.set $fy (f32x4.sub (local.get $ft)
            (f32x4.mul (global.get $period) (f32x4.floor (f32x4.div (local.get $ft) (global.get $period))))))
          (local.set ${dst} (f32x4.sub ${sel('(f32x4.sub (global.get $period) (local.get $fy))', '(local.get $fy)', '(f32x4.gt (local.get $fy) (global.get $r2v))')} (global.get $rv)))`;
  const divergedInline = `
        (local.set $dm (v128.or ${nonFinite('(local.get $ly)')} (f32x4.gt (f32x4.abs (local.get $ly)) ${splat('1e30')})))
        ${range(d)
          .map(
            (j) =>
              `(local.set $dm (v128.or (local.get $dm) (v128.or ${nonFinite(`(local.get $raw${j})`)} (f32x4.gt (f32x4.abs (local.get $raw${j})) ${splat('1e15')}))))`,
          )
          .join('\n        ')}`;
  const pgradInline = `
        (call $grad ${gets('y', d)}) ${setAll('gy', d)}
        ${range(d)
          .map(
            (j) =>
              `(local.set $gy${j} (f32x4.add (f32x4.add (f32x4.mul (global.get $nb) (local.get $gy${j})) (f32x4.mul (global.get $pprec) (local.get $y${j}))) (f32x4.mul (global.get $gam) (f32x4.sub (local.get $y${j}) (global.get $ws${j})))))`,
          )
          .join('\n        ')}`;
  const move = (dst: string, normals: string) => `
        ${normals}
        ${range(d)
          .map(
            (j) =>
              `(local.set $raw${j} (f32x4.add (f32x4.sub (local.get $w${j}) (f32x4.mul (global.get $a${j}) (local.get $g${j}))) (f32x4.mul (global.get $sq${j}) (local.get $z${j}))))`,
          )
          .join('\n        ')}
        (if (i32.eqz (global.get $prior_kind))
          (then ${range(d)
            .map((j) => foldInline(`(local.get $raw${j})`, `$${dst}${j}`))
            .join('')})
          (else ${range(d)
            .map((j) => `(local.set $${dst}${j} (local.get $raw${j}))`)
            .join(' ')}))`;
  const acceptMask = (word: string) =>
    `(f32x4.lt (call $vlog (call $uniform_open01 ${word})) (local.get $lr))`;
  // A diverged lane is counted and re-drawn from the prior (STREAM_REDRAW), then its loss and gradient.
  const redraw = (withU: boolean) => `
        (if (v128.any_true (local.get $dm)) (then
          (local.set $div (i32x4.sub (local.get $div) (local.get $dm)))
          (call $prior (local.get $iv) (local.get $step) (i32.const 3)) ${setAll('p', d)}
          (local.set $lp (call $loss ${gets('p', d)}))
          ${withU ? `(local.set $up (call $potential ${gets('p', d)} (local.get $lp)))` : ''}
          (call $pgrad ${gets('p', d)}) ${setAll('gp', d)}
          ${range(d)
            .map(
              (j) =>
                `(local.set $w${j} ${sel(`(local.get $p${j})`, `(local.get $w${j})`, '(local.get $dm)')}) (local.set $g${j} ${sel(`(local.get $gp${j})`, `(local.get $g${j})`, '(local.get $dm)')})`,
            )
            .join('\n          ')}
          ${withU ? `(local.set $u ${sel('(local.get $up)', '(local.get $u)', '(local.get $dm)')})` : ''}
          (local.set $l ${sel('(local.get $lp)', '(local.get $l)', '(local.get $dm)')})))`;

  const stepLocals = `${commonLocals} ${locals('w', d)} ${locals('g', d)} ${locals('z', 4 * blocks)} ${locals('raw', d)}
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $ft v128) (local $fy v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) ${locals('zn', 4 * blocks)} (local $pair i32) (local $aw v128)
    ${locals('y', d)} ${locals('gy', d)} ${locals('p', d)} ${locals('gp', d)}
    (local $l v128) (local $ly v128) (local $lp v128) (local $u v128) (local $uy v128) (local $up v128)
    (local $lr v128) (local $dm v128) (local $am v128) (local $t v128) (local $lsum v128) (local $acc v128) (local $div v128)
    (local $dg0 v128) (local $dg1 v128) (local $dg2 v128) (local $dg3 v128) (local $k i32) (local $step i32)`;
  const quadLoad = `
      ${loadW}
      (local.set $l (v128.load ${at4('$lossp')}))
      ${loadDiag}
      (call $pgrad ${gets('w', d)}) ${setAll('g', d)}
      (local.set $lsum ${splat(0)}) (local.set $acc (v128.const i32x4 0 0 0 0)) (local.set $div (v128.const i32x4 0 0 0 0))
      (local.set $k (i32.const 0)) (local.set $pair (i32.const 0))`;

  const ula = `
  (func (export "ula") (param $ctx i32) (param $first i32) (param $count i32) (param $steps i32) (param $base i32)
    ${stepLocals}
    ${prologue}
    (block $done (loop $quads
      (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
      ${quadHead}
      ${quadLoad}
      (block $stepsDone (loop $stepLoop
        (br_if $stepsDone (i32.ge_u (local.get $k) (local.get $steps)))
        (local.set $step (i32.add (local.get $base) (local.get $k)))
        ${move('y', ulaNormals)}
        (local.set $ly (call $loss ${gets('y', d)}))
        ${divergedInline}
        ${pgradInline}
        ;; Scored steps (ula-scoring.ts): (step + ⌊i/64⌋) mod 8 = 0, constant over the quad.
        (if (i32.eqz (i32.and (i32.add (local.get $step) (i32.shr_u (local.get $q) (i32.const 6))) (i32.const 7)))
          (then
            (local.set $lr (f32x4.sub (f32x4.add
              (f32x4.sub (call $potential ${gets('w', d)} (local.get $l)) (call $potential ${gets('y', d)} (local.get $ly)))
              (call $logprop ${gets('w', d)} ${gets('y', d)} ${gets('gy', d)}))
              (call $logprop ${gets('y', d)} ${gets('w', d)} ${gets('g', d)})))
            (local.set $acc (i32x4.sub (local.get $acc) (v128.andnot ${acceptMask('(call $first_word (local.get $iv) (local.get $step))')} (local.get $dm))))))
        ;; ULA takes every move that did not diverge.
        ${range(d)
          .map((j) => `(local.set $w${j} (local.get $y${j})) (local.set $g${j} (local.get $gy${j}))`)
          .join(' ')}
        (local.set $l (local.get $ly))
        ${redraw(false)}
        ${accumulate}
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $stepLoop)))
      ${storeState}
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $quads))))`;

  const mala = `
  (func (export "mala") (param $ctx i32) (param $first i32) (param $count i32) (param $steps i32) (param $base i32)
    ${stepLocals}
    ${prologue}
    (block $done (loop $quads
      (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
      ${quadHead}
      ${quadLoad}
      (local.set $u (call $potential ${gets('w', d)} (local.get $l)))
      (block $stepsDone (loop $stepLoop
        (br_if $stepsDone (i32.ge_u (local.get $k) (local.get $steps)))
        (local.set $step (i32.add (local.get $base) (local.get $k)))
        ${move('y', malaNormals)}
        (local.set $ly (call $loss ${gets('y', d)}))
        ${divergedInline}
        (local.set $uy (call $potential ${gets('y', d)} (local.get $ly)))
        ${pgradInline}
        (local.set $lr (f32x4.sub (f32x4.add (f32x4.sub (local.get $u) (local.get $uy))
          (call $logprop ${gets('w', d)} ${gets('y', d)} ${gets('gy', d)}))
          (call $logprop ${gets('y', d)} ${gets('w', d)} ${gets('g', d)})))
        (local.set $am (v128.andnot ${acceptMask('(local.get $aw)')} (local.get $dm)))
        ${range(d)
          .map(
            (j) =>
              `(local.set $w${j} ${sel(`(local.get $y${j})`, `(local.get $w${j})`, '(local.get $am)')}) (local.set $g${j} ${sel(`(local.get $gy${j})`, `(local.get $g${j})`, '(local.get $am)')})`,
          )
          .join('\n        ')}
        (local.set $l ${sel('(local.get $ly)', '(local.get $l)', '(local.get $am)')})
        (local.set $u ${sel('(local.get $uy)', '(local.get $u)', '(local.get $am)')})
        (local.set $acc (i32x4.sub (local.get $acc) (local.get $am)))
        ${redraw(true)}
        ${accumulate}
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $stepLoop)))
      ${storeState}
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $quads))))`;

  // The accept stream's first word: philox(i, step, 0, STREAM_ACCEPT).x.
  const firstWord = `
  (func $first_word (param $iv v128) (param $step i32) (result v128)
    (call $philox (local.get $iv) (i32x4.splat (local.get $step)) (v128.const i32x4 0 0 0 0)
      (v128.const i32x4 1 1 1 1) (global.get $k0) (global.get $k1))
    (drop) (drop) (drop))`;

  return `(module
  (import "env" "memory" (memory 1 65536${parts.sharedMemory === false ? '' : ' shared'}))
  (global $lp_base (mut i32) (i32.const 0))
  (global $landscape_slot (mut i32) (i32.const 0))
  (global $k0 (mut i32) (i32.const 0))
  (global $k1 (mut i32) (i32.const 0))
  (global $prior_kind (mut i32) (i32.const 0))
  ${['rv', 'r2v', 'period', 'rr', 'pprec', 'gam', 'halfgam', 'nb', 'eps'].map(g).join('\n  ')}
  ${range(d)
    .map((j) => `${g(`ws${j}`)} ${g(`a${j}`)} ${g(`sq${j}`)}`)
    .join('\n  ')}
  ${parts.philox}
  ${philox2Wat(parts.philox)}
  ${parts.vmath}
  ${parts.landscape}
  ${normals}
  ${prior}
  ${fold}
  ${lfn}
  ${logprop}
  ${potential}
  ${pgrad}
  ${diverged}
  ${setup}
  ${useGroup}
  ${firstWord}
  ${init}
  ${ula}
  ${mala}
)`;
}
