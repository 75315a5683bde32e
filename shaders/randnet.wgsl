// Random networks → Boolean functions (the parameter-function map). Needs rng.wgsl.
//
// A workgroup of 32 invocations samples one network at a time (per_group consecutive networks) and
// evaluates it on all N = 2^n ≤ 128 input points, 4 points per invocation (one vec4), then packs the N
// output bits into a 128-bit key (bit i = output at point i > 0, word i/32, bit i%32). Input point i
// is the binary expansion of i, most significant bit = first input.
// Network k under seed s draws parameter p from Philox(counter = (k_lo, k_hi, p/4, STREAM_RANDNET),
// key = s), word p%4 (Gaussian: Box–Muller on words (0,1) and (2,3)), so any network can be
// regenerated alone, on any device, in any batch; src/core/function-space/randnet.ts is the TypeScript twin.
//
// Why a workgroup per network with the weights in workgroup memory:
//  * Every parameter is used by all N input points. Drawing it once per workgroup and sharing it costs
//    one Philox block per 4 parameters per NETWORK (~500 blocks for 7-40-40-1, spread over 32
//    invocations: ~16 each), whereas regenerating weights on the fly per invocation would cost that
//    per INPUT POINT (128× more Philox, which then dominates the 2·128·2001 flops of evaluation).
//  * All invocations read the same workgroup-memory vec4 at the same time (w[j][k..k+3] while looping
//    over k), a broadcast with no bank conflicts; each invocation keeps its own activations (≤ 64 per
//    layer) in private arrays.
//  * Workgroup memory is the scarce resource (16 KiB guaranteed): a layer is loaded in chunks of rows
//    that fit WG_VEC4 = 768 vec4s (12 KiB), so widths up to MAX_W = 64 work (a 64×64 layer takes two
//    chunks; every layer of 7-40-40-1 fits in one). Weights are stored as vec4s along the fan-in, so
//    one workgroup-memory load feeds 16 multiply-adds (4 weights × 4 points). MAX_W = 64 also bounds
//    the two private activation arrays (64 vec4 each, 2 KiB per invocation), which live in the
//    cached local memory of real GPUs since they are indexed dynamically.
//  * Storing every network's weights in a buffer instead would move 8 KB per network through memory
//    for nothing: they are only needed while the network is evaluated.
//  * Each invocation evaluates 4 input points as one vec4 (register tiling): each weight read from
//    workgroup memory feeds 4 multiply-adds, and 32 invocations are one warp on most GPUs.
// For n < 7 the invocations with 4·lid ≥ 2^n still help draw parameters but evaluate nothing.
//
// Arithmetic order (mirrored by the twin): pre = bias; pre = pre + w_k·h_k for k = 0, 1, …; hidden
// units apply the activation, the output unit does not. Output exactly 0 (e.g. a bias-free network
// at the all-zeros input) is bit 0.

const NET_WG: u32 = 32u;          // invocations per network
const POINTS_PER_INV: u32 = 4u;   // input points per invocation (one vec4)
const MAX_W: u32 = 64u;
const WG_VEC4: u32 = 768u;        // weight vec4s in workgroup memory (12 KiB)
const STREAM_RANDNET: u32 = 16u;

const ACT_RELU: u32 = 0u;
const ACT_TANH: u32 = 1u;
const ACT_SOFTPLUS: u32 = 2u;
const INIT_GAUSS: u32 = 0u;
const DOMAIN_PM1: u32 = 1u;

struct NetParams {
  seed_lo: u32,
  seed_hi: u32,
  first_lo: u32,          // index of this batch's first network (64-bit: lo, hi)
  first_hi: u32,
  count: u32,             // networks in this batch
  groups_x: u32,          // workgroups per row of the 2-D dispatch
  per_group: u32,         // consecutive networks per workgroup
  param_count: u32,       // parameters per network
  test_kind: u32,         // sample_test only: 0 raw outputs, 1 parameters
  inputs: u32,            // n
  layers: u32,            // weight layers = hidden layers + 1
  activation: u32,        // ACT_*
  weight_init: u32,       // INIT_GAUSS or 1 (uniform)
  bias_init: u32,
  domain: u32,            // 0: inputs {0,1}; DOMAIN_PM1: {−1,1}
  widths: array<vec4<u32>, 2>,   // widths[l], l = 0..layers: n, hidden…, 1
  offsets: array<vec4<u32>, 2>,  // first parameter index of weight layer l
  w_scale: array<vec4<f32>, 2>,  // σw/√fan_in (gauss) or σw·√(3/fan_in) (uniform half-width)
  b_scale: array<vec4<f32>, 2>,  // σb (gauss) or σb·√3
}

@group(0) @binding(0) var<uniform> net: NetParams;
@group(0) @binding(1) var<storage, read_write> keys: array<vec4<u32>>;   // one key per network
@group(0) @binding(2) var<storage, read_write> outputs: array<f32>;      // tests only: outputs or parameters

// The current chunk of rows: row r's weights as vec4s wg_w[r·S .. r·S + S), S = ⌈fan_in/4⌉ (the last
// one zero-padded by position: the matching activations are 0), and its bias wg_b[r].
var<workgroup> wg_w: array<vec4<f32>, WG_VEC4>;
var<workgroup> wg_b: array<f32, MAX_W>;
var<workgroup> wg_key: array<atomic<u32>, 4>;

fn width_at(l: u32) -> u32 { return net.widths[l >> 2u][l & 3u]; }
fn offset_at(l: u32) -> u32 { return net.offsets[l >> 2u][l & 3u]; }
fn w_scale_at(l: u32) -> f32 { return net.w_scale[l >> 2u][l & 3u]; }
fn b_scale_at(l: u32) -> f32 { return net.b_scale[l >> 2u][l & 3u]; }

fn draw_param(words: vec4<u32>, z: vec4<f32>, comp: u32, kind: u32, scale: f32) -> f32 {
  if (kind == INIT_GAUSS) {
    return scale * z[comp];
  }
  // u = (k + ½)/2^23, so 2u − 1 = (2k + 1 − 2^23)/2^23 is exact in f32: uniform draws match the twin
  // bit for bit.
  return scale * (2.0 * uniform_open01(words[comp]) - 1.0);
}

fn activate(x: vec4<f32>) -> vec4<f32> {
  switch net.activation {
    case ACT_TANH: {
      // Clamped so no implementation's sinh/cosh overflows; tanh(±20) is ±1 in f32 anyway.
      return tanh(clamp(x, vec4<f32>(-20.0), vec4<f32>(20.0)));
    }
    case ACT_SOFTPLUS: {
      // log(1 + e^x) in the overflow-free form max(x, 0) + log(1 + e^−|x|).
      return max(x, vec4<f32>(0.0)) + log(1.0 + exp(-abs(x)));
    }
    default: {
      return max(x, vec4<f32>(0.0));
    }
  }
}

// Draws parameters [p0, p1) (whole rows, from row r0 on) of weight layer l of network idx into wg_w and
// wg_b, the workgroup's invocations sharing the Philox blocks. No barrier inside.
fn draw_chunk(idx: vec2<u32>, l: u32, p0: u32, p1: u32, lid: u32) {
  let key = vec2<u32>(net.seed_lo, net.seed_hi);
  let fan_in = width_at(l);
  let row = fan_in + 1u;
  let ws = w_scale_at(l);
  let bs = b_scale_at(l);
  let need_normals = net.weight_init == INIT_GAUSS || net.bias_init == INIT_GAUSS;
  for (var b = (p0 >> 2u) + lid; b <= ((p1 - 1u) >> 2u); b += NET_WG) {
    let words = philox4x32_10(vec4<u32>(idx.x, idx.y, b, STREAM_RANDNET), key);
    var z = vec4<f32>(0.0);
    if (need_normals) {
      z = vec4<f32>(box_muller(words.x, words.y), box_muller(words.z, words.w));
    }
    for (var c = 0u; c < 4u; c++) {
      let p = 4u * b + c;
      if (p >= p0 && p < p1) {
        let r = (p - p0) / row;
        let i = (p - p0) % row;
        if (i == fan_in) {
          wg_b[r] = draw_param(words, z, c, net.bias_init, bs);
        } else {
          wg_w[r * vec4_count(fan_in) + (i >> 2u)][i & 3u] = draw_param(words, z, c, net.weight_init, ws);
        }
      }
    }
  }
}

fn vec4_count(fan_in: u32) -> u32 {
  return (fan_in + 3u) >> 2u;
}

// Rows of layer l that fit in workgroup memory at once.
fn rows_per_chunk(l: u32) -> u32 {
  return min(width_at(l + 1u), WG_VEC4 / vec4_count(width_at(l)));
}

// The 64-bit index of network net_id of this batch.
fn network_index(net_id: u32) -> vec2<u32> {
  let lo = net.first_lo + net_id;
  return vec2<u32>(lo, net.first_hi + select(0u, 1u, lo < net.first_lo));
}

// The network's outputs at this invocation's 4 input points 4·lid … 4·lid + 3 (meaningful below 2^n).
// Contains barriers: call it from uniform control flow with the whole workgroup.
fn network_output(net_id: u32, lid: u32) -> vec4<f32> {
  let idx = network_index(net_id);
  let point0 = POINTS_PER_INV * lid;
  let evaluates = point0 < (1u << net.inputs);

  // h[k] holds unit k's activation at this invocation's 4 points (register tiling: every weight read
  // from workgroup memory feeds 4 multiply-adds).
  var h: array<vec4<f32>, MAX_W>;
  var g: array<vec4<f32>, MAX_W>;
  let points = vec4<u32>(point0, point0 + 1u, point0 + 2u, point0 + 3u);
  for (var j = 0u; j < net.inputs; j++) {
    let bit = vec4<f32>((points >> vec4<u32>(net.inputs - 1u - j)) & vec4<u32>(1u));
    h[j] = select(bit, 2.0 * bit - 1.0, net.domain == DOMAIN_PM1);
  }

  for (var l = 0u; l < net.layers; l++) {
    let fan_in = width_at(l);
    let fan_out = width_at(l + 1u);
    let row = fan_in + 1u;
    let offset = offset_at(l);
    let last = l + 1u == net.layers;
    let chunk = rows_per_chunk(l);
    for (var r0 = 0u; r0 < fan_out; r0 += chunk) {
      let r1 = min(fan_out, r0 + chunk);
      workgroupBarrier();  // everyone is done reading the previous chunk
      draw_chunk(idx, l, offset + r0 * row, offset + r1 * row, lid);
      workgroupBarrier();  // the chunk is in workgroup memory
      if (evaluates) {
        let s4 = vec4_count(fan_in);
        for (var j = r0; j < r1; j++) {
          let base = (j - r0) * s4;
          var pre = vec4<f32>(wg_b[j - r0]);
          // One vec4 of weights per 4 inputs, added one term at a time in index order (as the twin
          // does). Padding terms multiply a finite stale weight by h = 0 and leave the sum unchanged.
          for (var q = 0u; q < s4; q++) {
            let w = wg_w[base + q];
            let k = 4u * q;
            pre = pre + w.x * h[k];
            pre = pre + w.y * h[k + 1u];
            pre = pre + w.z * h[k + 2u];
            pre = pre + w.w * h[k + 3u];
          }
          if (last) {
            g[j] = pre;
          } else {
            g[j] = activate(pre);
          }
        }
      }
    }
    for (var j = 0u; j < fan_out; j++) {
      h[j] = g[j];
    }
    for (var j = fan_out; j < 4u * vec4_count(fan_out); j++) {
      h[j] = vec4<f32>(0.0);  // padding of the next layer's last weight vec4 must meet zeros
    }
  }
  return h[0];
}

// Workgroup wid handles networks [first, end) of the batch: `per_group` consecutive ones. Several
// networks per workgroup amortise the workgroup's start-up (large on software rasterisers, whose
// barriers run invocation groups as coroutines) without changing any result.
fn group_networks(wid: vec3<u32>) -> vec2<u32> {
  let first = (wid.x + wid.y * net.groups_x) * net.per_group;
  return vec2<u32>(first, min(first + net.per_group, net.count));
}

// One 128-bit function key per network.
@compute @workgroup_size(32)
fn sample_functions(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let range = group_networks(wid);
  let point0 = POINTS_PER_INV * lid;
  let n_points = 1u << net.inputs;
  for (var net_id = range.x; net_id < range.y; net_id++) {
    if (lid < 4u) {
      atomicStore(&wg_key[lid], 0u);
    }
    let out = network_output(net_id, lid);
    if (point0 < n_points) {
      // 4 bits for points point0..point0+3 (fewer when 2^n < 4), never crossing a word boundary.
      let valid = select(0xFu, (1u << n_points) - 1u, n_points < 4u);
      let bits = select(vec4<u32>(0u), vec4<u32>(1u, 2u, 4u, 8u), out > vec4<f32>(0.0));
      atomicOr(&wg_key[point0 >> 5u], (dot(bits, vec4<u32>(1u)) & valid) << (point0 & 31u));
    }
    workgroupBarrier();
    if (lid == 0u) {
      keys[net_id] = vec4<u32>(
        atomicLoad(&wg_key[0]),
        atomicLoad(&wg_key[1]),
        atomicLoad(&wg_key[2]),
        atomicLoad(&wg_key[3]),
      );
    }
    workgroupBarrier();  // the key is read before the next network clears it
  }
}

// Test kernel (one pipeline, so software GPUs compile it once): test_kind 0 writes the raw outputs
// (128 floats per network, points ≥ 2^n untouched), test_kind 1 the drawn parameters (param_count per
// network, flattened as in the twin).
@compute @workgroup_size(32)
fn sample_test(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let range = group_networks(wid);
  let n_points = 1u << net.inputs;
  for (var net_id = range.x; net_id < range.y; net_id++) {
    if (net.test_kind == 0u) {
      let out = network_output(net_id, lid);
      for (var c = 0u; c < POINTS_PER_INV; c++) {
        let point = POINTS_PER_INV * lid + c;
        if (point < n_points) {
          outputs[net_id * 128u + point] = out[c];
        }
      }
    } else {
      let idx = network_index(net_id);
      for (var l = 0u; l < net.layers; l++) {
        let row = width_at(l) + 1u;
        let fan_out = width_at(l + 1u);
        let chunk = rows_per_chunk(l);
        for (var r0 = 0u; r0 < fan_out; r0 += chunk) {
          let p0 = offset_at(l) + r0 * row;
          let p1 = offset_at(l) + min(fan_out, r0 + chunk) * row;
          workgroupBarrier();
          draw_chunk(idx, l, p0, p1, lid);
          workgroupBarrier();
          for (var p = p0 + lid; p < p1; p += NET_WG) {
            let r = (p - p0) / row;
            let i = (p - p0) % row;
            var v = wg_b[r];
            if (i < row - 1u) {
              v = wg_w[r * vec4_count(row - 1u) + (i >> 2u)][i & 3u];
            }
            outputs[net_id * net.param_count + p] = v;
          }
        }
      }
    }
  }
}
