// Walker initialisation and the unadjusted Langevin (ULA / SGLD-style) kernel.
// Needs posterior.wgsl. One invocation per walker; `sim.steps` steps per dispatch in registers.

@compute @workgroup_size(64)
fn init_walkers(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sim.walkers) { return; }
  use_walker_group(i);  // the initial loss is the walker's own group's (its dataset's)
  var w: Vec;
  // 2: mixed, overdispersed starts for the convergence diagnostics: even walkers at w*, odd ones
  // from the prior (alternating, so every contiguous walker group gets both starts).
  if (sim.init_kind == 1u || (sim.init_kind == 2u && (i & 1u) == 1u)) {
    w = draw_prior(i, 0u, STREAM_INIT);
  } else {
    for (var j = 0u; j < D; j++) { w[j] = wstar_at(j); }
  }
  store_walker(i, w);
  current_loss[i] = loss(w);
  loss_sum[i] = 0.0;
  diag_sums[i] = vec4<f32>(0.0);
  accepts[i] = 0u;
  diverged[i] = 0u;
}

// The unadjusted move w ← fold(w − (ε/2)·M∇U(w) + √(εM)·ξ) (langevin_move), always taken. Its bias
// is O(ε) and invisible in its own statistics, so moves are also scored with the MH acceptance
// probability α = min(1, ratio) that MALA would have given them (issue 18), and a Bernoulli(α) draw on
// the accept stream is added to `accepts`: the existing reduction then estimates E[α] without bias,
// at the cost of one uniform per scored step (an exact f32 sum of α per walker would need a new buffer
// and loses precision over long runs; the Bernoulli noise, √(α(1−α)/(N·T)), is far below what matters).
// Walker i scores step t only when (t + ⌊i/64⌋) ≡ 0 (mod ULA_SCORE_EVERY) (issue 17: scoring was 46% of
// a step on a software GPU): every step is scored by 1/K of the population (stratified, so unbiased
// even in a transient), the phase is uniform within a workgroup (no divergence), and ULA moves
// regardless, so no trajectory changes. The host divides by the scored count (ula-scoring.ts, whose
// constant must match this one). u32 wrap-around keeps t + ⌊i/64⌋ mod 8 (2^32 is a multiple of 8).
const ULA_SCORE_EVERY: u32 = 8u;

@compute @workgroup_size(64)
fn ula_steps(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sim.walkers) { return; }
  use_walker_group(i);
  var w = load_walker(i);
  var l = current_loss[i];
  var g = potential_grad(w);
  var lsum = 0.0;
  var acc = 0u;
  var dg = diag_sums[i];
  var div = 0u;
  for (var k = 0u; k < sim.steps; k++) {
    let step = sim.step_base + k;
    let z = draw_normals(i, step, STREAM_NOISE);
    var raw: Vec;
    let y = langevin_move(w, g, z, &raw);
    let ly = loss(y);
    if (is_diverged(raw, ly)) {
      div += 1u;
      w = draw_prior(i, step, STREAM_REDRAW);
      l = loss(w);
      g = potential_grad(w);
    } else if (sim.metric_full == 1u && !in_prior_support(y)) {
      // A dense-metric move is not folded (langevin_move): one leaving the box is not taken (scored as
      // a rejection, as MALA would reject it).
    } else {
      let gy = potential_grad(y);
      if ((step + i / 64u) % ULA_SCORE_EVERY == 0u) {
        let log_ratio = log_mh_ratio(w, potential(w, l), g, y, potential(y, ly), gy);
        let r = philox4x32_10(vec4<u32>(i, step, 0u, STREAM_ACCEPT), seed_key());
        if (log(uniform_open01(r.x)) < log_ratio) { acc += 1u; }
      }
      w = y;
      l = ly;
      g = gy;
    }
    if (sim.accumulate == 1u) { lsum += l; dg = diag_add(dg, l); }
  }
  store_walker(i, w);
  current_loss[i] = l;
  loss_sum[i] += lsum;
  diag_sums[i] = dg;
  accepts[i] += acc;
  diverged[i] += div;
}
