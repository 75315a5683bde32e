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

// w ← w − (ε/2)·∇U(w) + √ε·ξ, reflected into the box when the prior is a box.
@compute @workgroup_size(64)
fn ula_steps(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sim.walkers) { return; }
  use_walker_group(i);
  var w = load_walker(i);
  var l = current_loss[i];
  var lsum = 0.0;
  var dg = diag_sums[i];
  var div = 0u;
  let half_eps = 0.5 * eps;
  let sqrt_eps = sqrt(eps);
  for (var k = 0u; k < sim.steps; k++) {
    let step = sim.step_base + k;
    let g = potential_grad(w);
    let z = draw_normals(i, step, STREAM_NOISE);
    for (var j = 0u; j < D; j++) {
      var x = w[j] - half_eps * g[j] + sqrt_eps * z[j];
      if (sim.prior_kind == PRIOR_BOX) { x = reflect_into_box(x); }
      w[j] = x;
    }
    l = loss(w);
    if (is_diverged(w, l)) {
      div += 1u;
      w = draw_prior(i, step, STREAM_REDRAW);
      l = loss(w);
    }
    if (sim.accumulate == 1u) { lsum += l; dg = diag_add(dg, l); }
  }
  store_walker(i, w);
  current_loss[i] = l;
  loss_sum[i] += lsum;
  diag_sums[i] = dg;
  accepts[i] += sim.steps;  // ULA accepts every move; kept so acceptance reads 1
  diverged[i] += div;
}
