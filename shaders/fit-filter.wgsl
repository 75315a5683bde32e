// Rejection step of the Bayes posterior under the 0–1 likelihood (issue 13): keeps the function keys
// that equal the target on every training point, (key ^ target) & train_mask == 0, appending them to
// `accepted` (order immaterial: the hash table's counts do not depend on it) and counting them.

struct FilterParams {
  count: u32,
  groups_x: u32,
  _pad0: u32,
  _pad1: u32,
  target_bits: vec4<u32>,
  train_mask: vec4<u32>,
}

@group(0) @binding(0) var<uniform> fp: FilterParams;
@group(0) @binding(1) var<storage, read> keys: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> accepted: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> accepted_count: array<atomic<u32>, 4>;

@compute @workgroup_size(256)
fn filter_fits(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * fp.groups_x * 256u;
  if (i >= fp.count) { return; }
  let k = keys[i];
  let miss = (k ^ fp.target_bits) & fp.train_mask;
  if (all(miss == vec4<u32>(0u))) {
    let slot = atomicAdd(&accepted_count[0], 1u);
    accepted[slot] = k;
  }
}
