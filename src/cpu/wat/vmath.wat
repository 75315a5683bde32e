;; Float32 math on four lanes (f32x4 in a v128) for the CPU backend's kernels: the functions WGSL has
;; built in and WebAssembly SIMD does not. Polynomials and range reductions are Cephes' single-precision
;; ones (S. Moshier, "Methods and Programs for Mathematical Functions"): a few ulp over the ranges the
;; kernels use. They are NOT bit-exact with any GPU's built-ins, so anything that depends on them (every
;; Gaussian draw) matches the GPU path statistically, not bit for bit; a seed still reproduces a CPU run
;; exactly, since these are pure functions evaluated in a fixed order.
;; Spliced inside a (module …) by src/cpu/wat-lib.ts (VMATH_WAT); uses no memory or globals.

;; u32 words → uniform on the open interval (0, 1), bit-exact with rng.wgsl's uniform_open01:
;; (f32(x >> 9) + 0.5) / 2^23 (the top 23 bits, centred in their cell).
(func $uniform_open01 (param $x v128) (result v128)
  (f32x4.mul
    (f32x4.add (f32x4.convert_i32x4_u (i32x4.shr_u (local.get $x) (i32.const 9))) (f32x4.splat (f32.const 0.5)))
    (f32x4.splat (f32.const 0x1p-23))))

;; Natural log. x > 0 finite: Cephes logf (mantissa in [√½, √2), degree-8 polynomial). x = 0 → −∞,
;; x < 0 or NaN → NaN, +∞ → +∞. Subnormal inputs are treated as 0 (no kernel produces them as arguments).
(func $vlog (param $x v128) (result v128)
  (local $bits v128) (local $e v128) (local $m v128) (local $big v128) (local $z v128) (local $y v128) (local $r v128)
  (local.set $bits (local.get $x))
  ;; exponent e and mantissa m ∈ [1, 2)
  (local.set $e (f32x4.convert_i32x4_s
    (i32x4.sub (i32x4.shr_u (local.get $bits) (i32.const 23)) (i32x4.splat (i32.const 127)))))
  (local.set $m (v128.or (v128.and (local.get $bits) (i32x4.splat (i32.const 0x007FFFFF)))
                         (i32x4.splat (i32.const 0x3F800000))))
  ;; m > √2: halve it (m ∈ [√½, √2)) and add one to e
  (local.set $big (f32x4.gt (local.get $m) (f32x4.splat (f32.const 1.41421356237))))
  (local.set $m (v128.bitselect (f32x4.mul (local.get $m) (f32x4.splat (f32.const 0.5))) (local.get $m) (local.get $big)))
  (local.set $e (f32x4.add (local.get $e) (v128.and (local.get $big) (f32x4.splat (f32.const 1)))))
  (local.set $m (f32x4.sub (local.get $m) (f32x4.splat (f32.const 1))))
  (local.set $z (f32x4.mul (local.get $m) (local.get $m)))
  (local.set $y (f32x4.splat (f32.const 7.0376836292e-2)))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const -1.1514610310e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const 1.1676998740e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const -1.2420140846e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const 1.4249322787e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const -1.6668057665e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const 2.0000714765e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const -2.4999993993e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $m)) (f32x4.splat (f32.const 3.3333331174e-1))))
  (local.set $y (f32x4.mul (f32x4.mul (local.get $y) (local.get $m)) (local.get $z)))
  (local.set $y (f32x4.add (local.get $y) (f32x4.mul (local.get $e) (f32x4.splat (f32.const -2.12194440e-4)))))
  (local.set $y (f32x4.sub (local.get $y) (f32x4.mul (local.get $z) (f32x4.splat (f32.const 0.5)))))
  (local.set $r (f32x4.add (local.get $m) (local.get $y)))
  (local.set $r (f32x4.add (local.get $r) (f32x4.mul (local.get $e) (f32x4.splat (f32.const 0.693359375)))))
  ;; special values: x ≤ subnormal → −∞ (0) or NaN (negative), +∞ → +∞, NaN → NaN
  (local.set $r (v128.bitselect (f32x4.splat (f32.const -inf)) (local.get $r)
    (f32x4.lt (local.get $x) (f32x4.splat (f32.const 0x1p-126)))))
  (local.set $r (v128.bitselect (f32x4.splat (f32.const nan)) (local.get $r)
    (v128.or (f32x4.lt (local.get $x) (f32x4.splat (f32.const 0))) (f32x4.ne (local.get $x) (local.get $x)))))
  (v128.bitselect (f32x4.splat (f32.const inf)) (local.get $r)
    (f32x4.eq (local.get $x) (f32x4.splat (f32.const inf)))))

;; e^x: Cephes expf (x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, 2^n from the exponent bits).
;; x > 88.72 → +∞; x < −87.33 → 0 (results below the smallest normal float are flushed); NaN → NaN.
(func $vexp (param $x v128) (result v128)
  (local $c v128) (local $fx v128) (local $r v128) (local $z v128) (local $y v128) (local $p v128) (local $n v128) (local $h v128)
  (local.set $c (f32x4.max (f32x4.min (local.get $x) (f32x4.splat (f32.const 88.7228391))) (f32x4.splat (f32.const -87.3365448))))
  (local.set $fx (f32x4.floor (f32x4.add (f32x4.mul (local.get $c) (f32x4.splat (f32.const 1.44269504088896341)))
                                         (f32x4.splat (f32.const 0.5)))))
  (local.set $r (f32x4.sub (local.get $c) (f32x4.mul (local.get $fx) (f32x4.splat (f32.const 0.693359375)))))
  (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $fx) (f32x4.splat (f32.const -2.12194440e-4)))))
  (local.set $z (f32x4.mul (local.get $r) (local.get $r)))
  (local.set $y (f32x4.splat (f32.const 1.9875691500e-4)))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
  (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
  (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (local.get $z)) (local.get $r)) (f32x4.splat (f32.const 1))))
  ;; 2^n, n = fx ∈ [−126, 128], as 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋) so that neither factor leaves the normal range
  (local.set $n (i32x4.trunc_sat_f32x4_s (local.get $fx)))
  (local.set $h (i32x4.shr_s (local.get $n) (i32.const 1)))
  (local.set $p (i32x4.shl (i32x4.add (local.get $h) (i32x4.splat (i32.const 127))) (i32.const 23)))
  (local.set $y (f32x4.mul (local.get $y) (local.get $p)))
  (local.set $p (i32x4.shl (i32x4.add (i32x4.sub (local.get $n) (local.get $h)) (i32x4.splat (i32.const 127))) (i32.const 23)))
  (local.set $y (f32x4.mul (local.get $y) (local.get $p)))
  (local.set $y (v128.bitselect (f32x4.splat (f32.const inf)) (local.get $y)
    (f32x4.gt (local.get $x) (f32x4.splat (f32.const 88.7228391)))))
  (local.set $y (v128.bitselect (f32x4.splat (f32.const 0)) (local.get $y)
    (f32x4.lt (local.get $x) (f32x4.splat (f32.const -87.3365448)))))
  (v128.bitselect (local.get $x) (local.get $y) (f32x4.ne (local.get $x) (local.get $x))))

;; sin x and cos x together: Cephes sinf/cosf (reduction by π/2 in three parts, exact for |x| < 8192;
;; accuracy degrades beyond, as for any f32 reduction of that kind). ±∞ and NaN → NaN.
(func $vsincos (param $x v128) (result v128 v128)
  (local $a v128) (local $j v128) (local $y v128) (local $z v128) (local $zz v128)
  (local $ps v128) (local $pc v128) (local $swap v128) (local $s v128) (local $c v128) (local $bad v128)
  (local.set $a (f32x4.abs (local.get $x)))
  ;; j = nearest even integer ≥ ⌊|x|·4/π⌋ (quadrant q = j/2)
  (local.set $j (i32x4.trunc_sat_f32x4_s (f32x4.mul (local.get $a) (f32x4.splat (f32.const 1.27323954473516)))))
  (local.set $j (v128.and (i32x4.add (local.get $j) (i32x4.splat (i32.const 1))) (i32x4.splat (i32.const -2))))
  (local.set $y (f32x4.convert_i32x4_s (local.get $j)))
  (local.set $z (f32x4.sub (local.get $a) (f32x4.mul (local.get $y) (f32x4.splat (f32.const 0.78515625)))))
  (local.set $z (f32x4.sub (local.get $z) (f32x4.mul (local.get $y) (f32x4.splat (f32.const 2.4187564849853515625e-4)))))
  (local.set $z (f32x4.sub (local.get $z) (f32x4.mul (local.get $y) (f32x4.splat (f32.const 3.77489497744594108e-8)))))
  (local.set $zz (f32x4.mul (local.get $z) (local.get $z)))
  ;; sin z
  (local.set $ps (f32x4.splat (f32.const -1.9515295891e-4)))
  (local.set $ps (f32x4.add (f32x4.mul (local.get $ps) (local.get $zz)) (f32x4.splat (f32.const 8.3321608736e-3))))
  (local.set $ps (f32x4.add (f32x4.mul (local.get $ps) (local.get $zz)) (f32x4.splat (f32.const -1.6666654611e-1))))
  (local.set $ps (f32x4.add (f32x4.mul (f32x4.mul (local.get $ps) (local.get $zz)) (local.get $z)) (local.get $z)))
  ;; cos z
  (local.set $pc (f32x4.splat (f32.const 2.443315711809948e-5)))
  (local.set $pc (f32x4.add (f32x4.mul (local.get $pc) (local.get $zz)) (f32x4.splat (f32.const -1.388731625493765e-3))))
  (local.set $pc (f32x4.add (f32x4.mul (local.get $pc) (local.get $zz)) (f32x4.splat (f32.const 4.166664568298827e-2))))
  (local.set $pc (f32x4.mul (f32x4.mul (local.get $pc) (local.get $zz)) (local.get $zz)))
  (local.set $pc (f32x4.add (f32x4.sub (local.get $pc) (f32x4.mul (local.get $zz) (f32x4.splat (f32.const 0.5))))
                            (f32x4.splat (f32.const 1))))
  ;; quadrant q: sin x = (sin z, cos z, −sin z, −cos z)[q], cos x = (cos z, −sin z, −cos z, sin z)[q]
  (local.set $swap (i32x4.ne (v128.and (local.get $j) (i32x4.splat (i32.const 2))) (i32x4.splat (i32.const 0))))
  (local.set $s (v128.bitselect (local.get $pc) (local.get $ps) (local.get $swap)))
  (local.set $c (v128.bitselect (local.get $ps) (local.get $pc) (local.get $swap)))
  ;; signs: sin flips for q ∈ {2, 3} and for x < 0; cos flips for q ∈ {1, 2}
  (local.set $s (v128.xor (local.get $s)
    (v128.xor (i32x4.shl (i32x4.shr_u (v128.and (local.get $j) (i32x4.splat (i32.const 4))) (i32.const 2)) (i32.const 31))
              (v128.and (local.get $x) (i32x4.splat (i32.const 0x80000000))))))
  (local.set $c (v128.xor (local.get $c)
    (i32x4.shl (i32x4.shr_u (v128.and (i32x4.add (local.get $j) (i32x4.splat (i32.const 2))) (i32x4.splat (i32.const 4)))
                            (i32.const 2)) (i32.const 31))))
  (local.set $bad (f32x4.ne (f32x4.sub (local.get $x) (local.get $x)) (f32x4.splat (f32.const 0))))
  (v128.bitselect (f32x4.splat (f32.const nan)) (local.get $s) (local.get $bad))
  (v128.bitselect (f32x4.splat (f32.const nan)) (local.get $c) (local.get $bad)))

(func $vsin (param $x v128) (result v128)
  (call $vsincos (local.get $x)) (drop))

(func $vcos (param $x v128) (result v128)
  (local $s v128) (local $c v128)
  (call $vsincos (local.get $x)) (local.set $c) (local.set $s) (local.get $c))

;; tanh x: Cephes tanhf (odd polynomial for |x| < 0.625, else 1 − 2/(e^{2|x|} + 1) with x's sign;
;; |x| > 8.7 is ±1 in f32). NaN → NaN.
(func $vtanh (param $x v128) (result v128)
  (local $a v128) (local $z v128) (local $p v128) (local $big v128) (local $sign v128)
  (local.set $a (f32x4.abs (local.get $x)))
  (local.set $sign (v128.and (local.get $x) (i32x4.splat (i32.const 0x80000000))))
  (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
  (local.set $p (f32x4.splat (f32.const -5.70498872745e-3)))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 2.06390887954e-2))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const -5.37397155531e-2))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 1.33314422036e-1))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const -3.33332819422e-1))))
  (local.set $p (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $z)) (local.get $x)) (local.get $x)))
  (local.set $big (f32x4.sub (f32x4.splat (f32.const 1))
    (f32x4.div (f32x4.splat (f32.const 2))
      (f32x4.add (call $vexp (f32x4.mul (f32x4.min (local.get $a) (f32x4.splat (f32.const 9))) (f32x4.splat (f32.const 2))))
                 (f32x4.splat (f32.const 1))))))
  ;; tanh |x| rounds to 1 in f32 beyond 8.7 (1 − 2e^{−2|x|} > 1 − 2^{−25})
  (local.set $big (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $big)
    (f32x4.gt (local.get $a) (f32x4.splat (f32.const 8.7)))))
  (local.set $big (v128.or (local.get $big) (local.get $sign)))
  (v128.bitselect (local.get $p) (local.get $big) (f32x4.lt (local.get $a) (f32x4.splat (f32.const 0.625)))))

;; Two standard normals from two uniform words each lane (Box–Muller, as rng.wgsl's box_muller):
;; r = √(−2 log u(a)), θ = 2π·u(b); returns (r cos θ, r sin θ).
(func $box_muller (param $a v128) (param $b v128) (result v128 v128)
  (local $r v128) (local $s v128) (local $c v128)
  (local.set $r (f32x4.sqrt (f32x4.mul (f32x4.splat (f32.const -2)) (call $vlog (call $uniform_open01 (local.get $a))))))
  (call $vsincos (f32x4.mul (f32x4.splat (f32.const 6.283185307179586)) (call $uniform_open01 (local.get $b))))
  (local.set $c) (local.set $s)
  (f32x4.mul (local.get $r) (local.get $c))
  (f32x4.mul (local.get $r) (local.get $s)))

;; x^k for an integer k ≥ 0 by repeated multiplication, in ipow's order (shaders/landscapes/common.wgsl):
;; exact sign for odd powers and no pow() domain issues at x < 0.
(func $vpowi (param $x v128) (param $k i32) (result v128)
  (local $r v128)
  (local.set $r (f32x4.splat (f32.const 1)))
  (block $done
    (loop $next
      (br_if $done (i32.le_s (local.get $k) (i32.const 0)))
      (local.set $r (f32x4.mul (local.get $r) (local.get $x)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $next)))
  (local.get $r))
