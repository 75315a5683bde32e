// Teacher–student regression with a one-hidden-layer network f(x) = Σ_h v_h·act(a_h·x + b_h).
// Parameters per hidden unit h, contiguous: a_h (in_dim weights), b_h, v_h.
// L = (1/N) Σ_i (f(x_i) − y_i)² / (2σ²).
// Uniforms: lp(0) = in_dim (1 or 2), lp(1) = width, lp(2) = activation (0 tanh, 1 ReLU,
// 2 softplus with sharpness s: softplus(s·z)/s, the analytic stand-in for ReLU), lp(3) = s,
// lp(4) = σ, lp(5) = N, then from lp(8) each point's in_dim inputs followed by its target.

fn mlp_act(z: f32) -> f32 {
  let kind = u32(lp(2u));
  if (kind == 0u) { return tanh(z); }
  if (kind == 1u) { return max(z, 0.0); }
  let s = lp(3u);
  let sz = s * z;
  return (max(sz, 0.0) + log(1.0 + exp(-abs(sz)))) / s;
}

// Derivative; ReLU'(0) = 0.
fn mlp_act_prime(z: f32) -> f32 {
  let kind = u32(lp(2u));
  if (kind == 0u) {
    let t = tanh(z);
    return 1.0 - t * t;
  }
  if (kind == 1u) { return select(0.0, 1.0, z > 0.0); }
  return 1.0 / (1.0 + exp(-lp(3u) * z));
}

fn mlp_preactivation(w: Vec, h: u32, i: u32) -> f32 {
  let din = u32(lp(0u));
  let base = h * (din + 2u);
  let point = 8u + i * (din + 1u);
  var z = w[base + din];
  for (var j = 0u; j < din; j++) { z += w[base + j] * lp(point + j); }
  return z;
}

fn mlp_residual(w: Vec, i: u32) -> f32 {
  let din = u32(lp(0u));
  var f = 0.0;
  for (var h = 0u; h < u32(lp(1u)); h++) {
    f += w[h * (din + 2u) + din + 1u] * mlp_act(mlp_preactivation(w, h, i));
  }
  return f - lp(8u + i * (din + 1u) + din);
}

fn loss(w: Vec) -> f32 {
  let n = u32(lp(5u));
  var s = 0.0;
  for (var i = 0u; i < n; i++) {
    let r = mlp_residual(w, i);
    s += r * r;
  }
  let sigma = lp(4u);
  return s / (f32(n) * 2.0 * sigma * sigma);
}

fn grad(w: Vec) -> Vec {
  let din = u32(lp(0u));
  let n = u32(lp(5u));
  let sigma = lp(4u);
  let scale = 1.0 / (f32(n) * sigma * sigma);
  var g: Vec;
  for (var i = 0u; i < n; i++) {
    let r = mlp_residual(w, i) * scale;
    let point = 8u + i * (din + 1u);
    for (var h = 0u; h < u32(lp(1u)); h++) {
      let base = h * (din + 2u);
      let z = mlp_preactivation(w, h, i);
      let v = w[base + din + 1u];
      let back = r * v * mlp_act_prime(z);
      for (var j = 0u; j < din; j++) { g[base + j] += back * lp(point + j); }
      g[base + din] += back;
      g[base + din + 1u] += r * mlp_act(z);
    }
  }
  return g;
}

// The network's prediction f(x) at an input (x.y unused with one input): predict.wgsl evaluates it
// per walker.
fn predict(w: Vec, x: vec2<f32>) -> f32 {
  let din = u32(lp(0u));
  var f = 0.0;
  for (var h = 0u; h < u32(lp(1u)); h++) {
    let base = h * (din + 2u);
    var z = w[base + din];
    for (var j = 0u; j < din; j++) { z += w[base + j] * x[j]; }
    f += w[base + din + 1u] * mlp_act(z);
  }
  return f;
}
