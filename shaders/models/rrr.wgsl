// Reduced-rank regression y = B·A·x (A: H×M, B: N×H, no noise in the teacher's targets), from
// sufficient statistics: with W = BA, Δ = W − C₀ (C₀ the teacher's N×M matrix) and S = mean x xᵀ,
//   L = tr(Δ S Δᵀ)/(2σ²)   (the mean over the data of |y − Wx|²/(2σ²) for y = C₀x, exactly),
// so the data's size never reaches the shader. ∂L/∂W = G = ΔS/σ², ∂L/∂A = BᵀG, ∂L/∂B = GAᵀ.
// Parameters: A row-major (w[h·M + j]), then B row-major (w[H·M + i·H + h]).
// Uniforms: lp(0) = M, lp(1) = N, lp(2) = H, lp(3) = σ, lp(4..7) unused; from lp(8): C₀ (N·M,
// row-major), then S (M·M, row-major). M, N ≤ 8.

const RRR_MAX: u32 = 8u;

struct RrrShape {
  m: u32,
  n: u32,
  h: u32,
}

fn rrr_shape() -> RrrShape {
  return RrrShape(u32(lp(0u)), u32(lp(1u)), u32(lp(2u)));
}

// Δ = BA − C₀, row-major N×M in an 8×8 array.
fn rrr_delta(w: Vec, s: RrrShape) -> array<f32, 64> {
  var d: array<f32, 64>;
  for (var i = 0u; i < s.n; i++) {
    for (var j = 0u; j < s.m; j++) {
      var acc = -lp(8u + i * s.m + j);
      for (var h = 0u; h < s.h; h++) {
        acc += w[s.h * s.m + i * s.h + h] * w[h * s.m + j];
      }
      d[i * RRR_MAX + j] = acc;
    }
  }
  return d;
}

fn rrr_cov(s: RrrShape, j: u32, k: u32) -> f32 {
  return lp(8u + s.n * s.m + j * s.m + k);
}

fn loss(w: Vec) -> f32 {
  let s = rrr_shape();
  let d = rrr_delta(w, s);
  var q = 0.0;
  for (var i = 0u; i < s.n; i++) {
    for (var j = 0u; j < s.m; j++) {
      var ds = 0.0;
      for (var k = 0u; k < s.m; k++) { ds += d[i * RRR_MAX + k] * rrr_cov(s, k, j); }
      q += ds * d[i * RRR_MAX + j];
    }
  }
  let sigma = lp(3u);
  return q / (2.0 * sigma * sigma);
}

fn grad(w: Vec) -> Vec {
  let s = rrr_shape();
  let d = rrr_delta(w, s);
  let sigma = lp(3u);
  // G = ΔS/σ² (N×M).
  var g: array<f32, 64>;
  for (var i = 0u; i < s.n; i++) {
    for (var j = 0u; j < s.m; j++) {
      var acc = 0.0;
      for (var k = 0u; k < s.m; k++) { acc += d[i * RRR_MAX + k] * rrr_cov(s, k, j); }
      g[i * RRR_MAX + j] = acc / (sigma * sigma);
    }
  }
  var out: Vec;
  // ∂L/∂A[h][j] = Σ_i B[i][h]·G[i][j].
  for (var h = 0u; h < s.h; h++) {
    for (var j = 0u; j < s.m; j++) {
      var acc = 0.0;
      for (var i = 0u; i < s.n; i++) { acc += w[s.h * s.m + i * s.h + h] * g[i * RRR_MAX + j]; }
      out[h * s.m + j] = acc;
    }
  }
  // ∂L/∂B[i][h] = Σ_j G[i][j]·A[h][j].
  for (var i = 0u; i < s.n; i++) {
    for (var h = 0u; h < s.h; h++) {
      var acc = 0.0;
      for (var j = 0u; j < s.m; j++) { acc += g[i * RRR_MAX + j] * w[h * s.m + j]; }
      out[s.h * s.m + i * s.h + h] = acc;
    }
  }
  return out;
}
