// GPU hash table of 128-bit keys (Boolean functions) with 64-bit counts: open addressing, linear
// probing, atomics only, no locks and no spinning on another invocation.
//
// Slots never become empty again, so a key is found along the same probe path that placed it.
// A slot's state word says who holds its key:
//   EMPTY (0)            free;
//   i + 1 (1 ≤ · < MAX)  claimed during THIS batch by batch key i: the key is read from batch_keys[i],
//                        which nobody writes during the insert pass, so there is no window in which a
//                        claimed slot's key is half-written;
//   READY (0xFFFFFFFF)   finalised: the key is in slot_keys.
// insert_keys claims with compare-exchange and counts with atomicAdd; finalize_keys (the next dispatch)
// copies each batch claimant's key into its slot and marks it READY, before batch_keys is reused.
// A key that finds neither itself nor an empty slot within max_probes slots is counted in `other`;
// since all occurrences of a key follow the same path, a key is either counted in the table for every
// occurrence or in `other` for every occurrence. Table counts + other = keys inserted, always.

const EMPTY: u32 = 0u;
const READY: u32 = 0xFFFFFFFFu;
const NONE: u32 = 0xFFFFFFFFu;
const TABLE_WG: u32 = 256u;

struct TableParams {
  count: u32,        // keys in this batch (insert, finalize) or slots to scan (compact)
  capacity: u32,     // slots
  max_probes: u32,   // probe-path length before a key is counted as other
  groups_x: u32,     // workgroups per row of the 2-D dispatch
}

struct TableStats {
  other_lo: atomic<u32>,
  other_hi: atomic<u32>,
  distinct: atomic<u32>,
  compacted: atomic<u32>,
}

@group(0) @binding(0) var<uniform> tp: TableParams;
@group(0) @binding(1) var<storage, read> batch_keys: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> slot_keys: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> slot_state: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> slot_count: array<atomic<u32>>;  // (lo, hi) per slot
@group(0) @binding(5) var<storage, read_write> claimed: array<u32>;             // per batch key
@group(0) @binding(6) var<storage, read_write> stats: TableStats;
@group(0) @binding(7) var<storage, read_write> compacted: array<u32>;  // 6 words per entry: key, count lo, hi

// MurmurHash3's finaliser, chained over the four words: keys of random networks are far from uniform
// (constant functions, low-entropy tables), so every bit of the key must reach the slot index.
fn fmix32(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13u;
  h *= 0xC2B2AE35u;
  h ^= h >> 16u;
  return h;
}

fn hash_key(k: vec4<u32>) -> u32 {
  var h = fmix32(k.x ^ 0x9E3779B9u);
  h = fmix32(h ^ k.y);
  h = fmix32(h ^ k.z);
  h = fmix32(h ^ k.w);
  return h;
}

// 64-bit increment: exactly one invocation sees the low word wrap, and carries.
fn add_count(s: u32) {
  if (atomicAdd(&slot_count[2u * s], 1u) == 0xFFFFFFFFu) {
    atomicAdd(&slot_count[2u * s + 1u], 1u);
  }
}

fn add_other() {
  if (atomicAdd(&stats.other_lo, 1u) == 0xFFFFFFFFu) {
    atomicAdd(&stats.other_hi, 1u);
  }
}

fn thread_index(gid: vec3<u32>) -> u32 {
  return gid.x + gid.y * tp.groups_x * TABLE_WG;
}

@compute @workgroup_size(256)
fn insert_keys(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= tp.count) {
    return;
  }
  let key = batch_keys[i];
  claimed[i] = NONE;
  var s = hash_key(key) % tp.capacity;
  var probe = 0u;
  while (probe < tp.max_probes) {
    var state = atomicLoad(&slot_state[s]);
    if (state == EMPTY) {
      let r = atomicCompareExchangeWeak(&slot_state[s], EMPTY, i + 1u);
      if (r.exchanged) {
        claimed[i] = s;
        atomicAdd(&stats.distinct, 1u);
        add_count(s);
        return;
      }
      state = r.old_value;
      if (state == EMPTY) {
        continue;  // a weak compare-exchange may fail spuriously: try the same slot again
      }
    }
    var held: vec4<u32>;
    if (state == READY) {
      held = slot_keys[s];
    } else {
      held = batch_keys[state - 1u];
    }
    if (all(held == key)) {
      add_count(s);
      return;
    }
    s += 1u;
    if (s == tp.capacity) {
      s = 0u;
    }
    probe += 1u;
  }
  add_other();
}

@compute @workgroup_size(256)
fn finalize_keys(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = thread_index(gid);
  if (i >= tp.count) {
    return;
  }
  let s = claimed[i];
  if (s != NONE) {
    slot_keys[s] = batch_keys[i];
    atomicStore(&slot_state[s], READY);
  }
}

@compute @workgroup_size(256)
fn compact_table(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = thread_index(gid);
  if (s >= tp.count) {
    return;
  }
  if (atomicLoad(&slot_state[s]) == READY) {
    let j = atomicAdd(&stats.compacted, 1u);
    let k = slot_keys[s];
    let base = 6u * j;
    compacted[base] = k.x;
    compacted[base + 1u] = k.y;
    compacted[base + 2u] = k.z;
    compacted[base + 3u] = k.w;
    compacted[base + 4u] = atomicLoad(&slot_count[2u * s]);
    compacted[base + 5u] = atomicLoad(&slot_count[2u * s + 1u]);
  }
}
