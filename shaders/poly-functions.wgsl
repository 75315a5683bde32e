// Function space of the polynomial model: which function each walker computes.
// Needs landscape-params.wgsl and shaders/models/polynomial.wgsl (poly_coefficients, poly_at).
// For each walker: its coefficient vector c(θ) is assigned to the nearest monomial 1, x, …, x⁴
// (Euclidean distance to the unit vectors e_k), and its curve (x, f_θ(x)) is added to a 2-D
// histogram of columns × rows over [x_min, x_max] × [y_min, y_max]. The counts are kept per start
// (even walkers in slots 0–4, odd ones in 5–9): under `init: mixed` even walkers start at w* and odd ones
// from the prior, and two halves that still disagree say the shares have not mixed.

alias Vec = array<f32, D>;

struct PolyFnParams {
  walkers: u32,
  columns: u32,
  rows: u32,
  _pad: u32,
  x_min: f32,
  x_max: f32,
  y_min: f32,
  y_max: f32,
}

@group(0) @binding(0) var<uniform> pf: PolyFnParams;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read_write> nearest_counts: array<atomic<u32>, 10>;
@group(0) @binding(3) var<storage, read_write> curve_histogram: array<atomic<u32>>;

@compute @workgroup_size(64)
fn classify_polynomials(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= pf.walkers) { return; }
  var w: Vec;
  for (var j = 0u; j < D; j++) { w[j] = positions[i * D + j]; }
  let c = poly_coefficients(w);
  // |c − e_k|² = |c|² − 2c_k + 1: the nearest monomial has the largest coefficient.
  var best = 0u;
  for (var k = 1u; k < 5u; k++) {
    if (c[k] > c[best]) { best = k; }
  }
  atomicAdd(&nearest_counts[best + 5u * (i & 1u)], 1u);
  let dx = (pf.x_max - pf.x_min) / f32(pf.columns);
  let dy = (pf.y_max - pf.y_min) / f32(pf.rows);
  for (var col = 0u; col < pf.columns; col++) {
    let y = poly_at(c, pf.x_min + (f32(col) + 0.5) * dx);
    let r = floor((y - pf.y_min) / dy);
    if (r >= 0.0 && r < f32(pf.rows)) {
      atomicAdd(&curve_histogram[u32(r) * pf.columns + col], 1u);
    }
  }
}
