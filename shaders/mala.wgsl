// Metropolis-adjusted Langevin: the ULA move as a proposal, accepted with the Metropolis–Hastings
// ratio for the asymmetric Langevin kernel, so the chain targets the posterior exactly.
// Needs posterior.wgsl. A proposal outside a box prior has zero prior density: rejected.

// log q(dst | src) up to a constant, for the proposal N(src − (ε/2)∇U(src), ε I).
fn log_proposal(dst: Vec, src: Vec, grad_src: Vec) -> f32 {
  var s = 0.0;
  for (var j = 0u; j < D; j++) {
    let d = dst[j] - src[j] + 0.5 * eps * grad_src[j];
    s += d * d;
  }
  return -s / (2.0 * eps);
}

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
  let sqrt_eps = sqrt(eps);
  for (var k = 0u; k < sim.steps; k++) {
    let step = sim.step_base + k;
    let z = draw_normals(i, step, STREAM_NOISE);
    var prop: Vec;
    for (var j = 0u; j < D; j++) {
      prop[j] = w[j] - 0.5 * eps * g[j] + sqrt_eps * z[j];
    }
    let lp_ = loss(prop);
    if (is_diverged(prop, lp_)) {
      // A non-finite proposal is a diverged walker: counted, then re-drawn from the prior.
      div += 1u;
      w = draw_prior(i, step, STREAM_REDRAW);
      l = loss(w);
      u = potential(w, l);
      g = potential_grad(w);
    } else if (in_prior_support(prop)) {
      let up = potential(prop, lp_);
      let gp = potential_grad(prop);
      let log_ratio = (u - up) + log_proposal(w, prop, gp) - log_proposal(prop, w, g);
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
