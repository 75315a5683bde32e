// A phase transition in n: L(w) = min(ΔL + w2², w1² + w2²), ΔL = lp(0).
// The valley {w2 = 0} is a singular basin (a line of minima: λ = 1/2) at loss ΔL; inside it, for
// w1² < ΔL, sits a regular minimum at the origin (λ = 1) at loss 0. No barrier separates them.
// The posterior prefers the valley while n·ΔL < Δλ·log n (Δλ = 1/2) and the regular point after.
fn loss(w: Vec) -> f32 {
  return min(lp(0u), w[0] * w[0]) + w[1] * w[1];
}

// Subgradient at the seam w1² = ΔL: the midpoint, as for min-crossing.
fn grad(w: Vec) -> Vec {
  let x2 = w[0] * w[0];
  let dl = lp(0u);
  var gx = 0.0;
  if (x2 < dl) { gx = 2.0 * w[0]; } else if (x2 == dl) { gx = w[0]; }
  return Vec(gx, 2.0 * w[1]);
}
