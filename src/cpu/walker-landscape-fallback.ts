/**
 * TEMPORARY: hand-written WAT for two built-in landscapes (crossing, bowl), behind the interface of
 * hA1's landscapeWat (src/cpu/landscape-wat.ts, which translates any landscape's WGSL). Used only
 * until that module is merged; each function follows its WGSL's order of operations.
 */
import type { Landscape } from '../core/landscapes/landscapes';

export interface LandscapeWat {
  readonly wat: string;
  readonly dim: number;
}

// x^k by k multiplications from 1 (ipow in shaders/landscapes/common.wgsl); lp_int(i) = max(1, round(lp(i))).
const common = `
  (func $ls_ipow (param $x v128) (param $k i32) (result v128) (local $r v128)
    (local.set $r (f32x4.splat (f32.const 1)))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $k)))
      (local.set $r (f32x4.mul (local.get $r) (local.get $x)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $l)))
    (local.get $r))
  (func $ls_lp_int (param $i i32) (result i32)
    (local.set $i (i32.trunc_sat_f32_u (f32.nearest
      (f32.load (i32.add (global.get $lp_base) (i32.shl (local.get $i) (i32.const 2)))))))
    (select (local.get $i) (i32.const 1) (i32.gt_u (local.get $i) (i32.const 1))))`;

const crossing = `${common}
  (func $loss (param $w0 v128) (param $w1 v128) (result v128)
    (f32x4.mul (call $ls_ipow (local.get $w0) (i32.mul (i32.const 2) (call $ls_lp_int (i32.const 0))))
      (call $ls_ipow (local.get $w1) (i32.mul (i32.const 2) (call $ls_lp_int (i32.const 1))))))
  (func $grad (param $w0 v128) (param $w1 v128) (result v128 v128) (local $a i32) (local $b i32)
    (local.set $a (call $ls_lp_int (i32.const 0)))
    (local.set $b (call $ls_lp_int (i32.const 1)))
    (f32x4.mul (f32x4.mul (f32x4.splat (f32.convert_i32_u (i32.shl (local.get $a) (i32.const 1))))
        (call $ls_ipow (local.get $w0) (i32.sub (i32.shl (local.get $a) (i32.const 1)) (i32.const 1))))
      (call $ls_ipow (local.get $w1) (i32.shl (local.get $b) (i32.const 1))))
    (f32x4.mul (f32x4.mul (f32x4.splat (f32.convert_i32_u (i32.shl (local.get $b) (i32.const 1))))
        (call $ls_ipow (local.get $w0) (i32.shl (local.get $a) (i32.const 1))))
      (call $ls_ipow (local.get $w1) (i32.sub (i32.shl (local.get $b) (i32.const 1)) (i32.const 1)))))`;

const bowl = `
  (func $loss (param $w0 v128) (param $w1 v128) (result v128)
    (f32x4.add (f32x4.mul (local.get $w0) (local.get $w0)) (f32x4.mul (local.get $w1) (local.get $w1))))
  (func $grad (param $w0 v128) (param $w1 v128) (result v128 v128)
    (f32x4.mul (f32x4.splat (f32.const 2)) (local.get $w0))
    (f32x4.mul (f32x4.splat (f32.const 2)) (local.get $w1)))`;

export function landscapeWat(landscape: Landscape): LandscapeWat | { readonly unsupported: string } {
  if (landscape.id === 'crossing') return { wat: crossing, dim: 2 };
  if (landscape.id === 'bowl') return { wat: bowl, dim: 2 };
  return { unsupported: `no CPU translation of landscape '${landscape.id}' yet` };
}
