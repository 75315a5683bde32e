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
  eps_unused: f32,     // (step sizes are per group: group_eps)
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

fn wstar_at(j: u32) -> f32 {
  return sim.wstar[j / 4u][j % 4u];
}

// n·β and step size ε of the walker this invocation advances (set once per kernel), and the dataset
// its landscape evaluates (landscape_slot, landscape-params.wgsl): the group's own.
var<private> nbeta: f32;
var<private> eps: f32;

fn use_walker_group(i: u32) {
  let g = min(i / max(sim.group_size, 1u), sim.groups - 1u);
  nbeta = sim.group_nbeta[g / 4u][g % 4u];
  eps = sim.group_eps[g / 4u][g % 4u];
  landscape_slot = g;
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
