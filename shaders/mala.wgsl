// Metropolis-adjusted Langevin: the (preconditioned) Langevin move as a proposal, folded into the box
// when the prior is a box, accepted with the Metropolis–Hastings ratio of that kernel's own density
// (log_mh_ratio, posterior.wgsl), so the chain targets the posterior exactly and never sticks at a
// wall: every proposal lies in the box.

@compute @workgroup_size(64)
fn mala_steps(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sim.walkers) { return; }
  use_walker_group(i);
  var w = load_walker(i);
  var l = current_loss[i];
  var u = potential(w, l);
  var g = potential_grad(w);
  var lsum = 0.0;
  var dg = diag_sums[i];
  var acc = 0u;
  var div = 0u;
  for (var k = 0u; k < sim.steps; k++) {
    let step = sim.step_base + k;
    let z = draw_normals(i, step, STREAM_NOISE);
    var raw: Vec;
    let prop = langevin_move(w, g, z, &raw);
    let lp_ = loss(prop);
    if (is_diverged(raw, lp_)) {
      // A non-finite proposal is a diverged walker: counted, then re-drawn from the prior.
      div += 1u;
      w = draw_prior(i, step, STREAM_REDRAW);
      l = loss(w);
      u = potential(w, l);
      g = potential_grad(w);
    } else if (sim.metric_full == 1u && !in_prior_support(prop)) {
      // A dense-metric proposal is not folded (langevin_move): outside the box the target is 0, so the
      // move is rejected (exact; a steep wall can trap, which the stuck count reports).
    } else {
      let up = potential(prop, lp_);
      let gp = potential_grad(prop);
      let log_ratio = log_mh_ratio(w, u, g, prop, up, gp);
      let r = philox4x32_10(vec4<u32>(i, step, 0u, STREAM_ACCEPT), seed_key());
      if (log(uniform_open01(r.x)) < log_ratio) {
        w = prop;
        l = lp_;
        u = up;
        g = gp;
        acc += 1u;
      }
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
