// Non-analytic crossing: L(w) = min(w1², w2²). The two valleys meet at the origin, but the loss is
// not analytic there, so SLT's theorems do not apply; its volume scaling gives λ = 1/2, m = 1.
// Subgradient where w1² = w2²: the midpoint (w1, w2) of the two one-sided gradients (Clarke).
fn loss(w: Vec) -> f32 {
  return min(w[0] * w[0], w[1] * w[1]);
}

fn grad(w: Vec) -> Vec {
  let x2 = w[0] * w[0];
  let y2 = w[1] * w[1];
  if (x2 < y2) { return Vec(2.0 * w[0], 0.0); }
  if (y2 < x2) { return Vec(0.0, 2.0 * w[1]); }
  return Vec(w[0], w[1]);
}
