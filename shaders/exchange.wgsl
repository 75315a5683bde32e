// Replica exchange (parallel tempering) between walker groups at neighbouring n·β.
// Needs rng.wgsl and the assembler's header (const D: u32). Its own bind group: the walkers' positions
// and current losses (the engine's buffers) plus one accept counter per neighbour pair.
//
// Groups target p_g(w) ∝ φ(w)·exp(−nβ_g·L(w) − γ/2·|w − w*|²); the prior and localisation are the
// same in every group, so swapping the states a (in g) and b (in h) is accepted with
//   α = p_g(b)·p_h(a) / (p_g(a)·p_h(b)) = exp((nβ_g − nβ_h)·(L_a − L_b)),
// which keeps every group's posterior invariant (detailed balance on the product space). Only the
// state moves (position and its loss); the loss sums, accept and divergence counters stay with the
// slot, so each group's time averages are of its own temperature.

const STREAM_EXCHANGE: u32 = 0x45584348u;  // 'EXCH': never shared with the walker kernels' streams

struct Exchange {
  walkers: u32,
  groups: u32,
  group_size: u32,    // walkers per group (contiguous blocks; the last group takes the rest)
  phase: u32,         // 0: pairs (0,1), (2,3), …; 1: pairs (1,2), (3,4), … of the nβ-sorted order
  seed_lo: u32,
  seed_hi: u32,
  step: u32,          // the global step at which this exchange happens (RNG counter)
  _pad: u32,
  order: array<vec4<u32>, 16>,   // group indices sorted by n·β: neighbours in order are neighbours in nβ
  nbeta: array<vec4<f32>, 16>,   // n·β of each group (by group index)
}

@group(0) @binding(0) var<uniform> ex: Exchange;
@group(0) @binding(1) var<storage, read_write> positions: array<f32>;
@group(0) @binding(2) var<storage, read_write> current_loss: array<f32>;
@group(0) @binding(3) var<storage, read_write> swap_accepts: array<atomic<u32>>;  // per rank pair p

fn order_at(r: u32) -> u32 {
  return ex.order[r / 4u][r % 4u];
}

fn nbeta_of(g: u32) -> f32 {
  return ex.nbeta[g / 4u][g % 4u];
}

fn group_first(g: u32) -> u32 {
  return min(g * ex.group_size, ex.walkers);
}

fn group_count(g: u32) -> u32 {
  let first = group_first(g);
  if (g == ex.groups - 1u) { return ex.walkers - first; }
  return min(ex.group_size, ex.walkers - first);
}

fn finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}

// One invocation per (pair, k): walker k of the lower-nβ group against walker k of its neighbour.
@compute @workgroup_size(64)
fn exchange_groups(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = gid.x / max(ex.group_size, 1u);
  let k = gid.x % max(ex.group_size, 1u);
  let rank = ex.phase + 2u * slot;
  if (rank + 1u >= ex.groups) { return; }
  let ga = order_at(rank);
  let gb = order_at(rank + 1u);
  if (k >= min(group_count(ga), group_count(gb))) { return; }
  let ia = group_first(ga) + k;
  let ib = group_first(gb) + k;
  let la = current_loss[ia];
  let lb = current_loss[ib];
  if (!finite(la) || !finite(lb)) { return; }
  let log_alpha = (nbeta_of(ga) - nbeta_of(gb)) * (la - lb);
  let r = philox4x32_10(vec4<u32>(k, ex.step, rank, STREAM_EXCHANGE), vec2<u32>(ex.seed_lo, ex.seed_hi));
  if (log(uniform_open01(r.x)) < log_alpha) {
    for (var j = 0u; j < D; j++) {
      let t = positions[ia * D + j];
      positions[ia * D + j] = positions[ib * D + j];
      positions[ib * D + j] = t;
    }
    current_loss[ia] = lb;
    current_loss[ib] = la;
    atomicAdd(&swap_accepts[rank], 1u);
  }
}
