// A landscape's own loss on a regular 2-D grid: the surface mesh heights, and the exact tempered
// posterior mass of each histogram cell, log p ∝ −nβ·L(w) − log-prior − γ/2·|w − w*|², integrated by
// a sub × sub midpoint rule per cell and combined with a per-cell log-sum-exp (no f32 underflow).
// For d > 2 the surface is a slice: every coordinate from `origin` (w*) except the two `axes`, which
// span the window (for d = 2 the axes are 0, 1 and nothing else is set).
// Needs: a landscape module (landscapeModule: header with D = 2, landscape-params.wgsl with lp() in
// group 1, common.wgsl, the landscape's WGSL); this file adds group 0.

alias Vec = array<f32, D>;

struct GridParams {
  res: vec2<u32>,      // vertices (heights) or cells (densities) along w1, w2
  sub: u32,            // midpoint sub-samples per cell side (densities)
  prior_kind: u32,     // 0: box [−R, R]^2, 1: N(0, R² I)
  lo: vec2<f32>,       // window corner (w1, w2)
  hi: vec2<f32>,       // opposite corner
  nbeta: f32,
  gamma: f32,
  prior_scale: f32,
  _pad0: f32,
  wstar: vec4<f32>,    // w* in .xy
  axes: vec4<u32>,     // the slice's parameter indices in .xy (0, 1 for a 2-D landscape)
  origin: array<vec4<f32>, 8>, // the slice origin, coordinate i in origin[i / 4][i % 4]
}

@group(0) @binding(0) var<uniform> gp: GridParams;
@group(0) @binding(1) var<storage, read_write> out_values: array<f32>;

// Stands for log 0: a cell outside the prior's support.
const LOG_ZERO: f32 = -3.0e38;

fn at(p: vec2<f32>) -> Vec {
  var w: Vec;
  for (var i = 0u; i < D; i++) {
    w[i] = gp.origin[i / 4u][i % 4u];
  }
  w[min(gp.axes.x, D - 1u)] = p.x;
  w[min(gp.axes.y, D - 1u)] = p.y;
  return w;
}

// Loss at grid vertex (i, j): the vertices span [lo, hi] inclusive.
@compute @workgroup_size(8, 8)
fn surface_heights(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= gp.res.x || gid.y >= gp.res.y) { return; }
  let t = vec2<f32>(gid.xy) / vec2<f32>(max(gp.res - vec2<u32>(1u), vec2<u32>(1u)));
  let p = gp.lo + (gp.hi - gp.lo) * t;
  out_values[gid.y * gp.res.x + gid.x] = loss(at(p));
}

fn log_density(p: vec2<f32>) -> f32 {
  var lpr = 0.0;
  if (gp.prior_kind == 1u) {
    lpr = -0.5 * dot(p, p) / (gp.prior_scale * gp.prior_scale);
  } else if (abs(p.x) > gp.prior_scale || abs(p.y) > gp.prior_scale) {
    return LOG_ZERO;
  }
  let d = p - gp.wstar.xy;
  return -gp.nbeta * loss(at(p)) + lpr - 0.5 * gp.gamma * dot(d, d);
}

// log of the mean density over cell (i, j) (cells tile [lo, hi]), up to one global constant.
@compute @workgroup_size(8, 8)
fn cell_log_mass(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= gp.res.x || gid.y >= gp.res.y) { return; }
  let cell = (gp.hi - gp.lo) / vec2<f32>(gp.res);
  let corner = gp.lo + cell * vec2<f32>(gid.xy);
  let s = max(gp.sub, 1u);
  var m = LOG_ZERO;
  for (var a = 0u; a < s; a++) {
    for (var b = 0u; b < s; b++) {
      let p = corner + cell * (vec2<f32>(f32(a), f32(b)) + 0.5) / f32(s);
      m = max(m, log_density(p));
    }
  }
  var total = 0.0;
  if (m > LOG_ZERO) {
    for (var a = 0u; a < s; a++) {
      for (var b = 0u; b < s; b++) {
        let p = corner + cell * (vec2<f32>(f32(a), f32(b)) + 0.5) / f32(s);
        let l = log_density(p);
        if (l > LOG_ZERO) { total += exp(l - m); }
      }
    }
    out_values[gid.y * gp.res.x + gid.x] = m + log(total / f32(s * s));
  } else {
    out_values[gid.y * gp.res.x + gid.x] = LOG_ZERO;
  }
}
