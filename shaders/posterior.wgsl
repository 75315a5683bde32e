// The tempered, localised posterior that every sampler kernel targets:
//   p(w) ∝ φ(w) · exp(−nβ·L_n(w) − γ/2·|w − w*|²)
// as a potential U(w) = nβ·L_n(w) − log φ(w) + γ/2·|w − w*|² and its gradient.
// Needs: rng.wgsl, landscape-params.wgsl, a landscape (fn loss(w: Vec) -> f32, fn grad(w: Vec) -> Vec),
// and the assembler's header (const D: u32). Bindings are shared by init, ULA and MALA kernels so one bind
// group serves all three.

alias Vec = array<f32, D>;

const PRIOR_BOX: u32 = 0u;
const PRIOR_GAUSS: u32 = 1u;

// Counter streams: separate purposes never share random words.
const STREAM_NOISE: u32 = 0u;
const STREAM_ACCEPT: u32 = 1u;
const STREAM_INIT: u32 = 2u;
const STREAM_REDRAW: u32 = 3u;

struct Sim {
  walkers: u32,
  steps: u32,          // steps per dispatch, kept in registers
  step_base: u32,      // global index of this dispatch's first step (RNG counter)
  seed_lo: u32,
  seed_hi: u32,
  prior_kind: u32,     // PRIOR_BOX: uniform on [−R, R]^D; PRIOR_GAUSS: N(0, R² I)
  accumulate: u32,     // 1: add each step's loss to loss_sum (sampling phase)
  init_kind: u32,      // 0: start at w*; 1: draw from the prior
  metric_full: u32,    // 1: the metric is dense (its Cholesky factor in `metric`), 0: diagonal
  gamma: f32,          // localisation strength γ
  prior_scale: f32,    // R (box half-width) or σ (Gaussian)
  groups: u32,         // walker groups, each at its own n·β (temperature ladders, sweeps over n)
  group_size: u32,     // walkers per group (contiguous blocks; the last group takes the rest)
  wstar: array<vec4<f32>, 8>,        // w*, up to 32 coordinates
  group_nbeta: array<vec4<f32>, 16>, // n·β of each group, up to 64 groups
  group_eps: array<vec4<f32>, 16>,   // step size ε of each group (colder groups need smaller steps)
}

@group(0) @binding(0) var<uniform> sim: Sim;
@group(0) @binding(1) var<storage, read_write> positions: array<f32>;  // walker-major, stride D
@group(0) @binding(2) var<storage, read_write> current_loss: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss_sum: array<f32>;
@group(0) @binding(4) var<storage, read_write> accepts: array<u32>;
@group(0) @binding(5) var<storage, read_write> diverged: array<u32>;
// The proposal metric M of each group, metric_stride() entries per group: first D diagonal entries (the
// population's variances frozen at the end of burn-in's adaptation; ones when not preconditioned),
// then, used only when sim.metric_full is 1, the lower Cholesky factor L of a dense M = L·Lᵀ packed by
// rows (row r: L[r][0..r] at D + r(r+1)/2). See langevin_move.
@group(0) @binding(6) var<storage, read> metric: array<f32>;
// (A function, not a const: the host's WGSL reflection cannot evaluate that const expression.)
fn metric_stride() -> u32 {
  return D + D * (D + 1u) / 2u;
}

fn wstar_at(j: u32) -> f32 {
  return sim.wstar[j / 4u][j % 4u];
}

// n·β and step size ε of the walker this invocation advances (set once per kernel), and the dataset
// its landscape evaluates (landscape_slot, landscape-params.wgsl): the group's own.
var<private> nbeta: f32;
var<private> eps: f32;
var<private> metric_base: u32;

fn use_walker_group(i: u32) {
  let g = min(i / max(sim.group_size, 1u), sim.groups - 1u);
  nbeta = sim.group_nbeta[g / 4u][g % 4u];
  eps = sim.group_eps[g / 4u][g % 4u];
  metric_base = g * metric_stride();
  landscape_slot = g;
}

fn metric_at(j: u32) -> f32 {
  return metric[metric_base + j];
}

// Entry (r, c), c ≤ r, of the dense metric's Cholesky factor L.
fn factor_at(r: u32, c: u32) -> f32 {
  return metric[metric_base + D + r * (r + 1u) / 2u + c];
}

// L·v.
fn factor_mul(v: Vec) -> Vec {
  var out: Vec;
  for (var j = 0u; j < D; j++) {
    var s = 0.0;
    for (var k = 0u; k <= j; k++) { s += factor_at(j, k) * v[k]; }
    out[j] = s;
  }
  return out;
}

// Lᵀ·v.
fn factor_t_mul(v: Vec) -> Vec {
  var out: Vec;
  for (var j = 0u; j < D; j++) {
    var s = 0.0;
    for (var k = j; k < D; k++) { s += factor_at(k, j) * v[k]; }
    out[j] = s;
  }
  return out;
}

// L⁻¹·v by forward substitution (L's diagonal is positive: the host regularises before factoring).
fn factor_solve(v: Vec) -> Vec {
  var x: Vec;
  for (var j = 0u; j < D; j++) {
    var s = v[j];
    for (var k = 0u; k < j; k++) { s -= factor_at(j, k) * x[k]; }
    x[j] = s / factor_at(j, j);
  }
  return x;
}

fn seed_key() -> vec2<u32> {
  return vec2<u32>(sim.seed_lo, sim.seed_hi);
}

// D standard normals for (walker, step, stream): block b of Philox feeds coordinates 4b..4b+3.
fn draw_normals(walker: u32, step: u32, stream: u32) -> Vec {
  var z: Vec;
  for (var b = 0u; b < (D + 3u) / 4u; b++) {
    let r = philox4x32_10(vec4<u32>(walker, step, b, stream), seed_key());
    let p0 = box_muller(r.x, r.y);
    let p1 = box_muller(r.z, r.w);
    let j = 4u * b;
    z[j] = p0.x;
    if (j + 1u < D) { z[j + 1u] = p0.y; }
    if (j + 2u < D) { z[j + 2u] = p1.x; }
    if (j + 3u < D) { z[j + 3u] = p1.y; }
  }
  return z;
}

// A draw from the prior: uniform in the box, or Gaussian.
fn draw_prior(walker: u32, step: u32, stream: u32) -> Vec {
  var w: Vec;
  if (sim.prior_kind == PRIOR_GAUSS) {
    let z = draw_normals(walker, step, stream);
    for (var j = 0u; j < D; j++) { w[j] = sim.prior_scale * z[j]; }
  } else {
    for (var b = 0u; b < (D + 3u) / 4u; b++) {
      let r = philox4x32_10(vec4<u32>(walker, step, b, stream), seed_key());
      let u = array<u32, 4>(r.x, r.y, r.z, r.w);
      for (var c = 0u; c < 4u; c++) {
        let j = 4u * b + c;
        if (j < D) { w[j] = sim.prior_scale * (2.0 * uniform_open01(u[c]) - 1.0); }
      }
    }
  }
  return w;
}

fn in_prior_support(w: Vec) -> bool {
  if (sim.prior_kind == PRIOR_GAUSS) { return true; }
  for (var j = 0u; j < D; j++) {
    if (abs(w[j]) > sim.prior_scale) { return false; }
  }
  return true;
}

// Reflect a coordinate into [−R, R] (any number of bounces): the ULA boundary for a box prior.
fn reflect_into_box(x: f32) -> f32 {
  let r = sim.prior_scale;
  let period = 4.0 * r;
  var y = (x + r) - period * floor((x + r) / period);
  if (y > 2.0 * r) { y = period - y; }
  return y - r;
}

// The Langevin move shared by ULA and MALA, per coordinate x_j = w_j − (ε/2)·M_j·∂_jU + √(ε·M_j)·ξ_j,
// then folded into the box (reflect_into_box) when the prior is a box. Returns the unfolded x in
// `raw` (for the divergence check: a fold hides an exploded coordinate) and the folded point.
//
// With a dense metric M = L·Lᵀ (sim.metric_full) the move is x = w + L·(−(ε/2)·Lᵀ∇U + √ε·ξ), i.e.
// w − (ε/2)·M∇U + √ε·L·ξ, and it is NOT folded: the fold's density factorises over coordinates only
// for a diagonal M (a correlated Gaussian's fold would need the images of all coordinates jointly), so
// under a box prior the callers reject (MALA) or refuse (ULA) a move that leaves the box, which is
// exact but lets a steep wall trap walkers again (the stuck count reports it; diag is the default).
fn langevin_move(w: Vec, g: Vec, z: Vec, raw: ptr<function, Vec>) -> Vec {
  var y: Vec;
  if (sim.metric_full == 1u) {
    let ltg = factor_t_mul(g);
    var v: Vec;
    for (var j = 0u; j < D; j++) { v[j] = -0.5 * eps * ltg[j] + sqrt(eps) * z[j]; }
    let lv = factor_mul(v);
    for (var j = 0u; j < D; j++) { y[j] = w[j] + lv[j]; }
    *raw = y;
    return y;
  }
  for (var j = 0u; j < D; j++) {
    let m = metric_at(j);
    let x = w[j] - 0.5 * eps * m * g[j] + sqrt(eps * m) * z[j];
    (*raw)[j] = x;
    y[j] = select(x, reflect_into_box(x), sim.prior_kind == PRIOR_BOX);
  }
  return y;
}

// log of the density of fold(x), x ~ N(mu, s²), at y ∈ [−R, R], up to the constant −log(s·√(2π))
// (the same in both directions of an MH ratio, since M and ε are the same).
//
// Why reflection (and not rejecting outside the box, or an unconstrained reparameterisation): the
// old kernel rejected every proposal outside the box, so a walker near a steep wall, pushed past it
// by (ε/2)·∇U ≫ √ε, was rejected forever. Folding keeps every proposal inside the box, and the
// folded proposal is still a proper kernel with a known density: the preimages of y under the fold
// (period 4R) are y + 4Rk and 2R − y + 4Rk for all integers k, so
//   q(y | w) = Σ_k [N(y + 4Rk; mu, s²) + N(2R − y + 4Rk; mu, s²)].
// MH with this q is exact (detailed balance holds for any proposal whose density is used in the
// ratio), needs no Jacobian, keeps the prior uniform and the walkers in the box, and costs nothing
// away from the walls (the fast path below). A reparameterisation (e.g. w = R·tanh(v)) would instead
// distort the geometry everywhere and put an unbounded Jacobian term at the walls.
fn log_folded_normal(y: f32, mu: f32, s: f32) -> f32 {
  let d0 = (y - mu) / s;
  let r = sim.prior_scale;
  // Away from the walls every other image lies more than 8 s from mu: e^{−32} relative, below f32.
  if (sim.prior_kind != PRIOR_BOX || abs(mu) + 8.0 * s <= r) { return -0.5 * d0 * d0; }
  let period = 4.0 * r;
  // Images within 8 s of mu, around the nearest image of each family (always at least that one).
  let reach = i32(clamp(ceil(8.0 * s / period), 1.0, 8.0));
  var m = -3.0e38;
  var sum = 0.0;
  for (var fam = 0; fam < 2; fam++) {
    let base = select(y, 2.0 * r - y, fam == 1);
    let kc = i32(round((mu - base) / period));
    for (var k = kc - reach; k <= kc + reach; k++) {
      let d = (base + period * f32(k) - mu) / s;
      let t = -0.5 * d * d;
      // Online log-sum-exp: rescale the running sum when a larger term arrives.
      if (t > m) {
        sum = sum * exp(m - t) + 1.0;
        m = t;
      } else {
        sum += exp(t - m);
      }
    }
  }
  return m + log(sum);
}

// log q(dst | src) of the (folded, preconditioned) Langevin proposal, up to a constant.
fn log_proposal(dst: Vec, src: Vec, grad_src: Vec) -> f32 {
  var s = 0.0;
  if (sim.metric_full == 1u) {
    // log N(dst; src − (ε/2)·M∇U, ε·M) up to −½·log det(2πεM), the same both ways (M is frozen):
    // −|v|²/(2ε) with v = L⁻¹(dst − src) + (ε/2)·Lᵀ∇U (since L⁻¹·M = Lᵀ).
    var r: Vec;
    for (var j = 0u; j < D; j++) { r[j] = dst[j] - src[j]; }
    let a = factor_solve(r);
    let ltg = factor_t_mul(grad_src);
    for (var j = 0u; j < D; j++) {
      let v = a[j] + 0.5 * eps * ltg[j];
      s += v * v;
    }
    return -0.5 * s / eps;
  }
  for (var j = 0u; j < D; j++) {
    let m = metric_at(j);
    s += log_folded_normal(dst[j], src[j] - 0.5 * eps * m * grad_src[j], sqrt(eps * m));
  }
  return s;
}

// log of the Metropolis–Hastings ratio of the move w → y: exact MALA's, and ULA's diagnostic.
fn log_mh_ratio(w: Vec, u: f32, g: Vec, y: Vec, uy: f32, gy: Vec) -> f32 {
  return (u - uy) + log_proposal(w, y, gy) - log_proposal(y, w, g);
}

// −log φ(w) up to a constant (0 inside the box).
fn prior_potential(w: Vec) -> f32 {
  if (sim.prior_kind == PRIOR_GAUSS) {
    var s = 0.0;
    for (var j = 0u; j < D; j++) { s += w[j] * w[j]; }
    return 0.5 * s / (sim.prior_scale * sim.prior_scale);
  }
  return 0.0;
}

fn potential(w: Vec, l: f32) -> f32 {
  var loc = 0.0;
  for (var j = 0u; j < D; j++) {
    let dw = w[j] - wstar_at(j);
    loc += dw * dw;
  }
  return nbeta * l + prior_potential(w) + 0.5 * sim.gamma * loc;
}

fn potential_grad(w: Vec) -> Vec {
  var g = grad(w);
  let prior_precision = select(0.0, 1.0 / (sim.prior_scale * sim.prior_scale), sim.prior_kind == PRIOR_GAUSS);
  for (var j = 0u; j < D; j++) {
    g[j] = nbeta * g[j] + prior_precision * w[j] + sim.gamma * (w[j] - wstar_at(j));
  }
  return g;
}

// WGSL lets implementations assume floats are finite, so NaN/Inf are detected on the bits.
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}

// A walker has diverged when its loss or any coordinate is non-finite or absurdly large.
fn is_diverged(w: Vec, l: f32) -> bool {
  if (!is_finite(l) || abs(l) > 1e30) { return true; }
  for (var j = 0u; j < D; j++) {
    if (!is_finite(w[j]) || abs(w[j]) > 1e15) { return true; }
  }
  return false;
}

fn load_walker(i: u32) -> Vec {
  var w: Vec;
  for (var j = 0u; j < D; j++) { w[j] = positions[i * D + j]; }
  return w;
}

fn store_walker(i: u32, w: Vec) {
  for (var j = 0u; j < D; j++) { positions[i * D + j] = w[j]; }
}
