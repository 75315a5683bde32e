// SGD vs Bayes (issue 13): random networks trained in parallel from their random initialisation.
// Needs rng.wgsl.
//
// One invocation per network. Each network's parameters are drawn exactly as randnet.wgsl draws them
// (Philox counter (k_lo, k_hi, p/4, STREAM_RANDNET), key = seed, word p%4, Box–Muller on words (0,1)
// and (2,3)), so network k trained here starts from randnet's network k and can be regenerated alone;
// src/core/function-space/sgd-twin.ts is the TypeScript twin of every kernel.
//
// Why one invocation per network (and not randnet's workgroup per network): training is sequential
// in the steps and a step's work (|batch| examples × forward + backward through ~2000 parameters) is
// too small to split across a workgroup without a barrier per layer per example; thousands of
// networks side by side fill the GPU instead. Why the parameters live in storage (not workgroup
// memory): a network's parameters, Adam moments and gradient (4 × 2001 f32 for 7-40-40-1) are its
// state across dispatches. Layout: value p of network j is at [p·stride + j] (structure of arrays),
// so the invocations of a warp, all at the same p at the same time, read and write consecutive words
// (coalesced), where network-major storage would stride by 8 KB.
//
// Arithmetic order (mirrored by the twin): pre = bias, then pre = pre + w_k·h_k for k = 0, 1, …
// (randnet's order, so the function at epoch 0 is randnet's); gradients are summed over the batch in
// the order of the (shuffled) training points, then multiplied by 1/|batch|.
// Activations' derivatives come from the activation value h alone: relu′ = [h > 0], tanh′ = 1 − h²,
// softplus′ = sigmoid(pre) = 1 − e^(−h).
//
// Status per network (vec4<u32>): x = state (0 training, 1 fits S, 2 gave up at max_epochs),
// y = epochs trained, z and w = Adam's β1^t and β2^t (f32 bits), carried across dispatches.

const STREAM_RANDNET: u32 = 16u;
const STREAM_SGD: u32 = 18u;
const MAX_W: u32 = 64u;
const MAX_H: u32 = 264u;  // 7 inputs + 4 hidden layers × 64 + 1 output

const ACT_TANH: u32 = 1u;
const ACT_SOFTPLUS: u32 = 2u;
const INIT_GAUSS: u32 = 0u;
const DOMAIN_PM1: u32 = 1u;
const OPT_ADAM: u32 = 1u;
const LOSS_MSE: u32 = 1u;

const TRAINING: u32 = 0u;
const FITS: u32 = 1u;
const GAVE_UP: u32 = 2u;

struct TrainParams {
  seed_lo: u32,
  seed_hi: u32,
  first_lo: u32,          // index of this batch's first network (64-bit)
  first_hi: u32,
  count: u32,             // networks in this batch
  stride: u32,            // networks the buffers hold (≥ count)
  groups_x: u32,          // workgroups per row of the 2-D dispatch
  param_count: u32,
  inputs: u32,
  layers: u32,            // weight layers = hidden layers + 1
  activation: u32,
  weight_init: u32,
  bias_init: u32,
  domain: u32,
  optimizer: u32,         // 0: (minibatch) gradient descent, OPT_ADAM: Adam
  loss: u32,              // 0: cross-entropy on the logit, LOSS_MSE: ½(z − t)², t = ±1
  train_count: u32,       // |S|
  batch: u32,             // minibatch size (≥ |S|: full batch, no shuffle)
  epoch0: u32,            // first epoch of this dispatch
  epochs: u32,            // epochs in this dispatch
  max_epochs: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  adam_eps: f32,
  target_bits: vec4<u32>, // the target's truth table (bit i = label of input point i)
  widths: array<vec4<u32>, 2>,
  offsets: array<vec4<u32>, 2>,
  w_scale: array<vec4<f32>, 2>,
  b_scale: array<vec4<f32>, 2>,
}

@group(0) @binding(0) var<uniform> tp: TrainParams;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;    // P × stride
@group(0) @binding(2) var<storage, read_write> moments: array<f32>;   // Adam m then v: 2P × stride
@group(0) @binding(3) var<storage, read_write> grads: array<f32>;     // P × stride
@group(0) @binding(4) var<storage, read_write> status: array<vec4<u32>>;
@group(0) @binding(5) var<storage, read_write> keys: array<vec4<u32>>; // function on all 2^n points
@group(0) @binding(6) var<storage, read> train_points: array<u32>;   // S, ascending
@group(0) @binding(7) var<storage, read_write> finished: array<atomic<u32>, 4>;  // fits, gave up

fn width_at(l: u32) -> u32 { return tp.widths[l >> 2u][l & 3u]; }
fn offset_at(l: u32) -> u32 { return tp.offsets[l >> 2u][l & 3u]; }

fn net_id(gid: vec3<u32>) -> u32 { return gid.x + gid.y * tp.groups_x * 64u; }

fn network_index(j: u32) -> vec2<u32> {
  let lo = tp.first_lo + j;
  return vec2<u32>(lo, tp.first_hi + select(0u, 1u, lo < tp.first_lo));
}

fn pidx(p: u32, j: u32) -> u32 { return p * tp.stride + j; }

fn label(i: u32) -> bool { return ((tp.target_bits[i >> 5u] >> (i & 31u)) & 1u) == 1u; }

fn act(x: f32) -> f32 {
  switch tp.activation {
    case ACT_TANH: { return tanh(clamp(x, -20.0, 20.0)); }
    case ACT_SOFTPLUS: { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }
    default: { return max(x, 0.0); }
  }
}

fn act_prime(h: f32) -> f32 {
  switch tp.activation {
    case ACT_TANH: { return 1.0 - h * h; }
    case ACT_SOFTPLUS: { return 1.0 - exp(-h); }
    default: { return select(0.0, 1.0, h > 0.0); }
  }
}

// The network's output at input point i; h receives every layer's activations (inputs at 0, layer
// l's units from hoff(l)), for the backward pass.
fn forward(j: u32, i: u32, h: ptr<function, array<f32, MAX_H>>) -> f32 {
  for (var k = 0u; k < tp.inputs; k++) {
    let bit = f32((i >> (tp.inputs - 1u - k)) & 1u);
    (*h)[k] = select(bit, 2.0 * bit - 1.0, tp.domain == DOMAIN_PM1);
  }
  var base_in = 0u;
  var base_out = tp.inputs;
  var z = 0.0;
  for (var l = 0u; l < tp.layers; l++) {
    let fan_in = width_at(l);
    let fan_out = width_at(l + 1u);
    let off = offset_at(l);
    let last = l + 1u == tp.layers;
    for (var o = 0u; o < fan_out; o++) {
      let row = off + o * (fan_in + 1u);
      var pre = params[pidx(row + fan_in, j)];
      for (var k = 0u; k < fan_in; k++) {
        pre = pre + params[pidx(row + k, j)] * (*h)[base_in + k];
      }
      if (last) {
        z = pre;
      } else {
        (*h)[base_out + o] = act(pre);
      }
    }
    base_in = base_out;
    base_out += fan_out;
  }
  return z;
}

// Adds the gradient of the loss at point i (label y) to grads.
fn backward(j: u32, i: u32) {
  var h: array<f32, MAX_H>;
  let z = forward(j, i, &h);
  let y = label(i);
  var dz: f32;
  if (tp.loss == LOSS_MSE) {
    dz = z - select(-1.0, 1.0, y);
  } else {
    dz = 1.0 / (1.0 + exp(-z)) - select(0.0, 1.0, y);
  }
  var d: array<f32, MAX_W>;
  var dn: array<f32, MAX_W>;
  d[0] = dz;
  // Offset of layer l's input activations in h.
  var base_in = 0u;
  for (var l = 0u; l + 1u < tp.layers; l++) { base_in += width_at(l); }
  for (var li = 0u; li < tp.layers; li++) {
    let l = tp.layers - 1u - li;
    let fan_in = width_at(l);
    let fan_out = width_at(l + 1u);
    let off = offset_at(l);
    for (var k = 0u; k < fan_in; k++) { dn[k] = 0.0; }
    for (var o = 0u; o < fan_out; o++) {
      let row = off + o * (fan_in + 1u);
      let dob = d[o];
      grads[pidx(row + fan_in, j)] += dob;
      for (var k = 0u; k < fan_in; k++) {
        grads[pidx(row + k, j)] += dob * h[base_in + k];
        if (l > 0u) {
          dn[k] = dn[k] + params[pidx(row + k, j)] * dob;
        }
      }
    }
    if (l > 0u) {
      for (var k = 0u; k < fan_in; k++) { d[k] = dn[k] * act_prime(h[base_in + k]); }
      base_in -= width_at(l - 1u);
    }
  }
}

fn fits_train(j: u32) -> bool {
  var h: array<f32, MAX_H>;
  for (var s = 0u; s < tp.train_count; s++) {
    let i = train_points[s];
    if ((forward(j, i, &h) > 0.0) != label(i)) { return false; }
  }
  return true;
}

fn function_key(j: u32) -> vec4<u32> {
  var h: array<f32, MAX_H>;
  var key = vec4<u32>(0u);
  for (var i = 0u; i < (1u << tp.inputs); i++) {
    if (forward(j, i, &h) > 0.0) { key[i >> 5u] |= 1u << (i & 31u); }
  }
  return key;
}

fn finish(j: u32, state: u32, epochs: u32, st: vec4<u32>) {
  status[j] = vec4<u32>(state, epochs, st.z, st.w);
  keys[j] = function_key(j);
  atomicAdd(&finished[state - 1u], 1u);
}

// Draws network j's parameters (randnet's draw), zeroes its moments and status.
@compute @workgroup_size(64)
fn init_networks(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = net_id(gid);
  if (j >= tp.count) { return; }
  let idx = network_index(j);
  let key = vec2<u32>(tp.seed_lo, tp.seed_hi);
  let need_normals = tp.weight_init == INIT_GAUSS || tp.bias_init == INIT_GAUSS;
  var words = vec4<u32>(0u);
  var z = vec4<f32>(0.0);
  for (var l = 0u; l < tp.layers; l++) {
    let fan_in = width_at(l);
    let off = offset_at(l);
    let end = off + width_at(l + 1u) * (fan_in + 1u);
    let ws = tp.w_scale[l >> 2u][l & 3u];
    let bs = tp.b_scale[l >> 2u][l & 3u];
    for (var p = off; p < end; p++) {
      if (p == off || (p & 3u) == 0u) {
        words = philox4x32_10(vec4<u32>(idx.x, idx.y, p >> 2u, STREAM_RANDNET), key);
        if (need_normals) {
          z = vec4<f32>(box_muller(words.x, words.y), box_muller(words.z, words.w));
        }
      }
      let is_bias = (p - off) % (fan_in + 1u) == fan_in;
      let kind = select(tp.weight_init, tp.bias_init, is_bias);
      let scale = select(ws, bs, is_bias);
      let c = p & 3u;
      var v: f32;
      if (kind == INIT_GAUSS) {
        v = scale * z[c];
      } else {
        v = scale * (2.0 * uniform_open01(words[c]) - 1.0);
      }
      params[pidx(p, j)] = v;
      moments[pidx(p, j)] = 0.0;
      moments[pidx(tp.param_count + p, j)] = 0.0;
    }
  }
  status[j] = vec4<u32>(TRAINING, 0u, bitcast<u32>(1.0), bitcast<u32>(1.0));
}

// Epochs [epoch0, epoch0 + epochs) of every network still training. Each epoch first checks the
// training set: a network that classifies S exactly stops (state FITS, its function recorded); one
// that reaches max_epochs without doing so stops as GAVE_UP (counted, never dropped).
@compute @workgroup_size(64)
fn train_epochs(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = net_id(gid);
  if (j >= tp.count) { return; }
  var st = status[j];
  if (st.x != TRAINING) { return; }
  let idx = network_index(j);
  let key = vec2<u32>(tp.seed_lo, tp.seed_hi);
  let m = tp.train_count;
  let b = min(tp.batch, m);
  let shuffle = b < m;
  var b1t = bitcast<f32>(st.z);
  var b2t = bitcast<f32>(st.w);
  var order: array<u32, 128>;
  for (var e = tp.epoch0; e < tp.epoch0 + tp.epochs; e++) {
    if (fits_train(j)) {
      finish(j, FITS, e, vec4<u32>(0u, 0u, bitcast<u32>(b1t), bitcast<u32>(b2t)));
      return;
    }
    if (e >= tp.max_epochs) {
      finish(j, GAVE_UP, e, vec4<u32>(0u, 0u, bitcast<u32>(b1t), bitcast<u32>(b2t)));
      return;
    }
    for (var s = 0u; s < m; s++) { order[s] = train_points[s]; }
    if (shuffle) {
      // Fisher–Yates with Philox words (network, epoch·32 + block, STREAM_SGD): j = s + ⌊w·(m − s)/2^32⌋.
      var w4 = vec4<u32>(0u);
      for (var s = 0u; s + 1u < m; s++) {
        if ((s & 3u) == 0u) {
          w4 = philox4x32_10(vec4<u32>(idx.x, idx.y, e * 32u + (s >> 2u), STREAM_SGD), key);
        }
        let r = s + mul_hi_lo(w4[s & 3u], m - s).x;
        let t = order[s];
        order[s] = order[r];
        order[r] = t;
      }
    }
    for (var s0 = 0u; s0 < m; s0 += b) {
      let s1 = min(m, s0 + b);
      for (var p = 0u; p < tp.param_count; p++) { grads[pidx(p, j)] = 0.0; }
      for (var s = s0; s < s1; s++) { backward(j, order[s]); }
      let inv = 1.0 / f32(s1 - s0);
      if (tp.optimizer == OPT_ADAM) {
        b1t = b1t * tp.beta1;
        b2t = b2t * tp.beta2;
        let c1 = 1.0 / (1.0 - b1t);
        let c2 = 1.0 / (1.0 - b2t);
        for (var p = 0u; p < tp.param_count; p++) {
          let g = grads[pidx(p, j)] * inv;
          let mi = pidx(p, j);
          let vi = pidx(tp.param_count + p, j);
          let mm = tp.beta1 * moments[mi] + (1.0 - tp.beta1) * g;
          let vv = tp.beta2 * moments[vi] + (1.0 - tp.beta2) * (g * g);
          moments[mi] = mm;
          moments[vi] = vv;
          params[pidx(p, j)] -= tp.lr * (mm * c1) / (sqrt(vv * c2) + tp.adam_eps);
        }
      } else {
        for (var p = 0u; p < tp.param_count; p++) {
          params[pidx(p, j)] -= tp.lr * (grads[pidx(p, j)] * inv);
        }
      }
    }
  }
  status[j] = vec4<u32>(TRAINING, tp.epoch0 + tp.epochs, bitcast<u32>(b1t), bitcast<u32>(b2t));
}
