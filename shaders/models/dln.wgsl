// Deep linear network y = W_L⋯W_1·x (no noise in the teacher's targets), from sufficient statistics
// as in rrr.wgsl: with P = W_L⋯W_1 (N×M), Δ = P − C₀ and S = mean x xᵀ,
//   L = tr(Δ S Δᵀ)/(2σ²),   ∂L/∂W_k = U_k P_kᵀ,
// where G = ΔS/σ², P_k = W_(k−1)⋯W_1 (P_1 = I) and U_k = (W_L⋯W_(k+1))ᵀ G (U_L = G).
// Parameters: the layers in order, W_k (H_(k+1)×H_k) row-major. Widths ≤ 8, L ≤ 7.
// Uniforms: lp(0) = L, lp(1) = σ, lp(2..3) unused, lp(4..11) = H_1..H_(L+1); from lp(12): C₀
// (N·M row-major, N = H_(L+1), M = H_1), then S (M·M row-major).

const DLN_MAX: u32 = 8u;

fn dln_layers() -> u32 {
  return u32(lp(0u));
}

fn dln_width(s: u32) -> u32 {
  return u32(lp(4u + s));
}

// Index of W_(k+1)'s first entry (layer k, 0-based).
fn dln_offset(k: u32) -> u32 {
  var o = 0u;
  for (var j = 0u; j < k; j++) { o += dln_width(j) * dln_width(j + 1u); }
  return o;
}

// P_k = W_k⋯W_1 for layers 0..k−1 (0-based): H_(k+1)×M in an 8×8 array (the identity for k = 0).
fn dln_prefix(w: Vec, k: u32) -> array<f32, 64> {
  let m = dln_width(0u);
  var p: array<f32, 64>;
  for (var i = 0u; i < m; i++) { p[i * DLN_MAX + i] = 1.0; }
  var rows = m;
  for (var j = 0u; j < k; j++) {
    let o = dln_offset(j);
    let out_rows = dln_width(j + 1u);
    var q: array<f32, 64>;
    for (var a = 0u; a < out_rows; a++) {
      for (var c = 0u; c < m; c++) {
        var acc = 0.0;
        for (var b = 0u; b < rows; b++) { acc += w[o + a * rows + b] * p[b * DLN_MAX + c]; }
        q[a * DLN_MAX + c] = acc;
      }
    }
    p = q;
    rows = out_rows;
  }
  return p;
}

// Δ = W_L⋯W_1 − C₀ (N×M).
fn dln_delta(w: Vec) -> array<f32, 64> {
  let l = dln_layers();
  let m = dln_width(0u);
  let n = dln_width(l);
  var d = dln_prefix(w, l);
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j < m; j++) { d[i * DLN_MAX + j] -= lp(12u + i * m + j); }
  }
  return d;
}

fn dln_cov(j: u32, k: u32) -> f32 {
  let m = dln_width(0u);
  let n = dln_width(dln_layers());
  return lp(12u + n * m + j * m + k);
}

fn loss(w: Vec) -> f32 {
  let m = dln_width(0u);
  let n = dln_width(dln_layers());
  let d = dln_delta(w);
  var q = 0.0;
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j < m; j++) {
      var ds = 0.0;
      for (var k = 0u; k < m; k++) { ds += d[i * DLN_MAX + k] * dln_cov(k, j); }
      q += ds * d[i * DLN_MAX + j];
    }
  }
  let sigma = lp(1u);
  return q / (2.0 * sigma * sigma);
}

fn grad(w: Vec) -> Vec {
  let l = dln_layers();
  let m = dln_width(0u);
  let n = dln_width(l);
  let sigma = lp(1u);
  let d = dln_delta(w);
  // U starts as G = ΔS/σ² (N×M) and becomes (W_L⋯W_(k+1))ᵀ G going down the layers.
  var u: array<f32, 64>;
  for (var i = 0u; i < n; i++) {
    for (var j = 0u; j < m; j++) {
      var acc = 0.0;
      for (var k = 0u; k < m; k++) { acc += d[i * DLN_MAX + k] * dln_cov(k, j); }
      u[i * DLN_MAX + j] = acc / (sigma * sigma);
    }
  }
  var out: Vec;
  for (var kk = 0u; kk < l; kk++) {
    let k = l - 1u - kk;
    let rows = dln_width(k + 1u);
    let cols = dln_width(k);
    let o = dln_offset(k);
    let p = dln_prefix(w, k);
    // ∂L/∂W_(k+1)[a][b] = Σ_c U[a][c]·P_k[b][c].
    for (var a = 0u; a < rows; a++) {
      for (var b = 0u; b < cols; b++) {
        var acc = 0.0;
        for (var c = 0u; c < m; c++) { acc += u[a * DLN_MAX + c] * p[b * DLN_MAX + c]; }
        out[o + a * cols + b] = acc;
      }
    }
    // U ← W_(k+1)ᵀ U (cols×M).
    var v: array<f32, 64>;
    for (var b = 0u; b < cols; b++) {
      for (var c = 0u; c < m; c++) {
        var acc = 0.0;
        for (var a = 0u; a < rows; a++) { acc += w[o + a * cols + b] * u[a * DLN_MAX + c]; }
        v[b * DLN_MAX + c] = acc;
      }
    }
    u = v;
  }
  return out;
}
