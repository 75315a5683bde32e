// The founding post's polynomial model: f_θ(x) = Σ_{k=0..4} c_k x^k, where c_k is the product of the
// next m_k parameters. L(θ) = (1/N) Σ_i (f_θ(x_i) − y_i)² / (2σ²), evaluated from sufficient statistics
// (src/core/landscapes/models/poly-stats.ts) so that N is unbounded:
//   2σ²·L = s₀ + 2·δᵀr + δᵀMδ,  δ = c − c₀,  M_jk = μ_{j+k} = mean x_i^(j+k),
// exact for any c₀; c₀ is a least-squares fit, so δ stays small and nothing large cancels in f32.
// Uniforms: lp(0..4) = m_0..m_4, lp(5) = σ, lp(6) = N of dataset 0, lp(7) = S (datasets, ≥ 1), and
// dataset s at 8 + 20s: s₀, c₀[5], r[5], μ[9]. Walker group g fits dataset min(g, S − 1)
// (landscape_slot); every other module evaluates dataset 0.

fn poly_coefficients(w: Vec) -> array<f32, 5> {
  var c: array<f32, 5>;
  var j = 0u;
  for (var k = 0u; k < 5u; k++) {
    var p = 1.0;
    for (var t = 0u; t < u32(lp(k)); t++) {
      p *= w[j];
      j++;
    }
    c[k] = p;
  }
  return c;
}

fn poly_at(c: array<f32, 5>, x: f32) -> f32 {
  return c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])));
}

// The dataset this invocation fits, read from the uniforms once per evaluation.
struct PolySlot {
  s0: f32,
  c0: array<f32, 5>,
  r: array<f32, 5>,
  mu: array<f32, 9>,
}

fn poly_slot() -> PolySlot {
  let slots = max(u32(lp(7u)), 1u);
  // Dataset s occupies values 8 + 20s .. 27 + 20s: five whole vec4s, read as such.
  let b = 2u + 5u * min(landscape_slot, slots - 1u);
  let v0 = lp4(b);
  let v1 = lp4(b + 1u);
  let v2 = lp4(b + 2u);
  let v3 = lp4(b + 3u);
  let v4 = lp4(b + 4u);
  var s: PolySlot;
  s.s0 = v0.x;
  s.c0 = array<f32, 5>(v0.y, v0.z, v0.w, v1.x, v1.y);
  s.r = array<f32, 5>(v1.z, v1.w, v2.x, v2.y, v2.z);
  s.mu = array<f32, 9>(v2.w, v3.x, v3.y, v3.z, v3.w, v4.x, v4.y, v4.z, v4.w);
  return s;
}

// dL/dc·σ² = r + Mδ, with δ = c − c₀ and (Mδ)_j = Σ_k μ_{j+k} δ_k; also returns δ.
fn poly_dc(c: array<f32, 5>, s: PolySlot, d: ptr<function, array<f32, 5>>) -> array<f32, 5> {
  for (var k = 0u; k < 5u; k++) { (*d)[k] = c[k] - s.c0[k]; }
  var dc: array<f32, 5>;
  for (var j = 0u; j < 5u; j++) {
    var md = 0.0;
    for (var k = 0u; k < 5u; k++) { md += s.mu[j + k] * (*d)[k]; }
    dc[j] = s.r[j] + md;
  }
  return dc;
}

fn loss(w: Vec) -> f32 {
  let s = poly_slot();
  var d: array<f32, 5>;
  let dc = poly_dc(poly_coefficients(w), s, &d);
  // s₀ + 2δᵀr + δᵀMδ = s₀ + δᵀ(r + (r + Mδ)).
  var q = s.s0;
  for (var j = 0u; j < 5u; j++) { q += d[j] * (s.r[j] + dc[j]); }
  let sigma = lp(5u);
  return q / (2.0 * sigma * sigma);
}

fn grad(w: Vec) -> Vec {
  var d: array<f32, 5>;
  // dL/dc_k = (r_k + (Mδ)_k)/σ² = mean_i r_i x_i^k / σ².
  let dc = poly_dc(poly_coefficients(w), poly_slot(), &d);
  let sigma = lp(5u);
  // dc_k/dθ = product of the other parameters of the same coefficient (no division: θ may be 0).
  var g: Vec;
  var start = 0u;
  for (var k = 0u; k < 5u; k++) {
    let m = u32(lp(k));
    for (var t = 0u; t < m; t++) {
      var others = 1.0;
      for (var s = 0u; s < m; s++) {
        if (s != t) { others *= w[start + s]; }
      }
      g[start + t] = dc[k] * others / (sigma * sigma);
    }
    start += m;
  }
  return g;
}

// The model's prediction f_θ(x) at an input (x.y unused): predict.wgsl evaluates it per walker.
fn predict(w: Vec, x: vec2<f32>) -> f32 {
  return poly_at(poly_coefficients(w), x.x);
}
