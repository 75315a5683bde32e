// The founding post's polynomial model: f_θ(x) = Σ_{k=0..4} c_k x^k, where c_k is the product of the
// next m_k parameters. L(θ) = (1/N) Σ_i (f_θ(x_i) − y_i)² / (2σ²).
// Uniforms: lp(0..4) = m_0..m_4, lp(5) = σ, lp(6) = N, lp(8 + 2i) = x_i, lp(9 + 2i) = y_i.

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

fn loss(w: Vec) -> f32 {
  let c = poly_coefficients(w);
  let n = u32(lp(6u));
  var s = 0.0;
  for (var i = 0u; i < n; i++) {
    let r = poly_at(c, lp(8u + 2u * i)) - lp(9u + 2u * i);
    s += r * r;
  }
  let sigma = lp(5u);
  return s / (f32(n) * 2.0 * sigma * sigma);
}

fn grad(w: Vec) -> Vec {
  let c = poly_coefficients(w);
  let n = u32(lp(6u));
  let sigma = lp(5u);
  // dL/dc_k = (1/(Nσ²)) Σ_i r_i x_i^k
  var dc: array<f32, 5>;
  for (var i = 0u; i < n; i++) {
    let x = lp(8u + 2u * i);
    let r = poly_at(c, x) - lp(9u + 2u * i);
    var xk = 1.0;
    for (var k = 0u; k < 5u; k++) {
      dc[k] += r * xk;
      xk *= x;
    }
  }
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
      g[start + t] = dc[k] * others / (f32(n) * sigma * sigma);
    }
    start += m;
  }
  return g;
}
