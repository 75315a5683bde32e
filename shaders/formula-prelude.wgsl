// Functions that compiled formulas call (src/core/landscapes/formula/wgsl.ts). Their TypeScript twins are in
// src/core/landscapes/formula/evaluate.ts; the semantics (and subgradients) are documented there.

// x^y: repeated multiplication when y is an integer of modulus ≤ 64 (exact, any sign of x);
// otherwise exp(y·log x), defined for x > 0 only (NaN elsewhere, which the divergence guard counts).
fn formula_pow(x: f32, y: f32) -> f32 {
  let k = round(y);
  if (k == y && abs(k) <= 64.0) {
    var r = 1.0;
    let n = u32(abs(k));
    for (var i = 0u; i < n; i++) { r *= x; }
    return select(r, 1.0 / r, k < 0.0);
  }
  return exp(y * log(x));
}

fn formula_sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// log(1 + e^x) without overflow for large x.
fn formula_softplus(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

// The share of the adjoint that min(a, b) passes to a: 1 if a < b, 0 if a > b, 1/2 at a tie.
fn formula_min_share(a: f32, b: f32) -> f32 {
  return select(select(0.5, 0.0, a > b), 1.0, a < b);
}
