/**
 * Where a ULA/MALA step's time goes on the device at hand (issue 17): the walker kernel with pieces
 * removed, each timed to GPU queue completion (onSubmittedWorkDone), plus the cost of a dispatch.
 * Variants are text edits of the assembled kernel, for measurement only: their results are not used.
 * Build and run (not part of `npm run bench`: it takes minutes on a software GPU):
 *   npx esbuild bench/kernel-profile.ts --bundle --platform=node --format=esm --loader:.wgsl=text \
 *     --external:webgpu --outfile=dist-cli/kernel-profile.js && node dist-cli/kernel-profile.js 8192 256
 * Env: VARIANTS=name,prefix,… (default all), SAMPLERS=ula (skip MALA), SPD=1,4,32 (steps per dispatch rows).
 */
import diagnosticsWgsl from '../shaders/diagnostics.wgsl';
import langevinWgsl from '../shaders/langevin.wgsl';
import malaWgsl from '../shaders/mala.wgsl';
import posteriorWgsl from '../shaders/posterior.wgsl';
import rngWgsl from '../shaders/rng.wgsl';
import { landscapeModule } from '../src/core/landscapes/landscape-module';
import { landscapeParamsSource } from '../src/core/landscapes/landscape-uniforms';
import { landscapeCommonWgsl } from '../src/core/landscapes/landscapes';
import { WalkerEngine } from '../src/core/walkers/walker-engine';
import { engineLayouts } from '../src/gpu/layouts';
import { acquireNodeDevice } from '../src/gpu/node-device';
import { assemble, computePipeline } from '../src/gpu/shader-assembly';
import { crossing } from './engine';

type Edit = [string | RegExp, string];
const UNROLLED = `fn philox_round(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  let p0 = mul_hi_lo(PHILOX_M0, c.x);
  let p1 = mul_hi_lo(PHILOX_M1, c.z);
  return vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
}
fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  let w = vec2<u32>(PHILOX_W0, PHILOX_W1);
  var c = philox_round(counter, key);
  c = philox_round(c, key + w);
  c = philox_round(c, key + 2u * w);
  c = philox_round(c, key + 3u * w);
  c = philox_round(c, key + 4u * w);
  c = philox_round(c, key + 5u * w);
  c = philox_round(c, key + 6u * w);
  c = philox_round(c, key + 7u * w);
  c = philox_round(c, key + 8u * w);
  return philox_round(c, key + 9u * w);
}`;
const VARIANTS: Record<string, Edit[]> = {
  full: [],
  'no MH scoring (ULA)': [
    [/if \(\(step \+ i \/ 64u\) % ULA_SCORE_EVERY == 0u\) \{[\s\S]*?acc \+= 1u; \}\n {6}\}/, 'acc += 1u;'],
  ],
  'MH scoring every step (ULA)': [['if ((step + i / 64u) % ULA_SCORE_EVERY == 0u) {', 'if (true) {']],
  'Philox unrolled': [[/fn philox4x32_10\(counter[\s\S]*?\n\}/, UNROLLED]],
  'metric = 1 (no storage reads)': [
    [/fn metric_at\(j: u32\) -> f32 \{[^}]*\}/, 'fn metric_at(j: u32) -> f32 { return 1.0; }'],
  ],
  'no divergence check': [
    [
      /fn is_diverged\(w: Vec, l: f32\) -> bool \{[\s\S]*?\n\}/,
      'fn is_diverged(w: Vec, l: f32) -> bool { return false; }',
    ],
  ],
  'branch-free is_diverged': [
    [
      /fn is_diverged\(w: Vec, l: f32\) -> bool \{[\s\S]*?\n\}/,
      `fn is_diverged(w: Vec, l: f32) -> bool {
  var bad = !is_finite(l) | (abs(l) > 1e30);
  for (var j = 0u; j < D; j++) { bad = bad | !is_finite(w[j]) | (abs(w[j]) > 1e15); }
  return bad;
}`,
    ],
  ],
  'log_folded_normal without early return': [
    [
      'if (sim.prior_kind != PRIOR_BOX || abs(mu) + 8.0 * s <= r) { return -0.5 * d0 * d0; }',
      'var result = -0.5 * d0 * d0;\n  if (sim.prior_kind == PRIOR_BOX && abs(mu) + 8.0 * s > r) {',
    ],
    ['  return m + log(sum);\n}', '  result = m + log(sum);\n  }\n  return result;\n}'],
  ],
  'workgroup 256': [
    ['@compute @workgroup_size(64)\nfn ula_steps', '@compute @workgroup_size(256)\nfn ula_steps'],
    ['@compute @workgroup_size(64)\nfn mala_steps', '@compute @workgroup_size(256)\nfn mala_steps'],
  ],
  'D-loops kept (no unroll.ts)': [],
  'rare branches as 0/1-trip loops (ULA)': [
    [
      `    if (is_diverged(raw, ly)) {
      div += 1u;
      w = draw_prior(i, step, STREAM_REDRAW);
      l = loss(w);
      g = potential_grad(w);
    } else {
      let gy = potential_grad(y);
      if ((step + i / 64u) % ULA_SCORE_EVERY == 0u) {`,
      `    let bad = is_diverged(raw, ly);
    if (!bad) {
      let gy = potential_grad(y);
      for (var once = select(0u, 1u, (step + i / 64u) % ULA_SCORE_EVERY == 0u); once > 0u; once--) {`,
    ],
    [
      `      w = y;
      l = ly;
      g = gy;
    }`,
      `      w = y;
      l = ly;
      g = gy;
    }
    for (var once = select(0u, 1u, bad); once > 0u; once--) {
      div += 1u;
      w = draw_prior(i, step, STREAM_REDRAW);
      l = loss(w);
      g = potential_grad(w);
    }`,
    ],
  ],
  'no MH + no noise Philox + no BM': [],
};
VARIANTS['no MH + no noise Philox + no BM'] = [
  ...VARIANTS['no MH scoring (ULA)'],
  [
    'let r = philox4x32_10(vec4<u32>(walker, step, b, stream), seed_key());\n    let p0',
    'let r = vec4<u32>(walker * 747796405u + step * 2891336453u, walker ^ (step * 277803737u), walker + step * 1103515245u, step ^ (walker * 134775813u));\n    let p0',
  ],
  [
    /fn box_muller\(a: u32, b: u32\) -> vec2<f32> \{[^}]*\}/,
    'fn box_muller(a: u32, b: u32) -> vec2<f32> { return 3.4 * vec2<f32>(uniform_open01(a) - 0.5, uniform_open01(b) - 0.5); }',
  ],
];
const ONLY = process.env.VARIANTS?.split(',');

function edit(code: string, edits: Edit[]): string {
  let out = code;
  for (const [from, to] of edits) {
    const next = out.replace(from, to);
    if (next === out) throw new Error(`edit not applied: ${String(from).slice(0, 60)}`);
    out = next;
  }
  return out;
}

async function main() {
  const walkers = Number(process.argv[2] ?? 65536);
  const steps = Number(process.argv[3] ?? 256);
  const { device, adapterDescription } = await acquireNodeDevice();
  console.log(`device: ${adapterDescription}; ${walkers} walkers × ${steps} steps per figure`);
  const p = crossing(10000);
  const base = landscapeModule(p.landscape, rngWgsl, posteriorWgsl, diagnosticsWgsl, langevinWgsl, malaWgsl);
  // The module as written, before landscapeModule unrolls its coordinate loops (src/gpu/unroll.ts).
  const rolled = assemble(
    2,
    landscapeParamsSource,
    landscapeCommonWgsl,
    p.landscape.wgsl,
    rngWgsl,
    posteriorWgsl,
    diagnosticsWgsl,
    langevinWgsl,
    malaWgsl,
  );
  const layout = engineLayouts(device).walkerPipeline;
  const time = async (engine: WalkerEngine, n: number) => {
    // Process CPU time (all of SwiftShader's threads), not wall time: the machine is shared, and
    // on a software device CPU seconds are the work itself.
    await device.queue.onSubmittedWorkDone();
    const c0 = process.cpuUsage();
    engine.advance(n);
    await device.queue.onSubmittedWorkDone();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const rows: string[] = [];
  for (const sampler of ['ula', 'mala'] as const) {
    for (const [name, edits] of Object.entries(VARIANTS)) {
      if (sampler === 'mala' && name.includes('MH')) continue;
      if (ONLY && !ONLY.some((o) => name.startsWith(o))) continue;
      if (sampler === 'mala' && process.env.SAMPLERS === 'ula') continue;
      for (const acc of [true]) {
        const t0 = performance.now();
        const engine = await WalkerEngine.create(device, { ...p, walkers, sampler, eps: 1e-3, seed: 1 });
        const code = name.startsWith('D-loops kept') ? rolled : edit(base, edits);
        const pipe = await computePipeline(device, code, `${sampler}_steps`, layout, `profile/${name}`);
        // biome-ignore lint/suspicious/noExplicitAny: measurement swaps the engine's private pipeline
        (engine as any).pipelines[sampler] = pipe;
        engine.reset('prior');
        engine.setAccumulate(acc);
        await time(engine, 32);
        const compile = (performance.now() - t0) / 1000;
        const s = await time(engine, steps);
        rows.push(
          `${sampler}\t${name}${acc ? '' : ', no accumulate'}\t${((walkers * steps) / s / 1e6).toFixed(2)} M/CPU-s\t${((s / steps / walkers) * 1e9).toFixed(1)} CPU-ns/walker-step\t(setup+compile+32 steps ${compile.toFixed(1)} s wall)`,
        );
        console.log(rows.at(-1));
        engine.destroy();
      }
    }
  }
  // Dispatch granularity: the full ULA kernel at several steps per dispatch.
  for (const spd of (process.env.SPD ?? '1,4,32,128').split(',').filter(Boolean).map(Number)) {
    const engine = await WalkerEngine.create(device, {
      ...p,
      walkers,
      sampler: 'ula',
      eps: 1e-3,
      seed: 1,
      stepsPerDispatch: spd,
    });
    engine.reset('prior');
    engine.setAccumulate(true);
    await time(engine, 32);
    const s = await time(engine, Math.min(steps, 64));
    console.log(
      `ula\tfull, ${spd} steps/dispatch\t${((walkers * Math.min(steps, 64)) / s / 1e6).toFixed(2)} M/CPU-s\t${Math.ceil(Math.min(steps, 64) / spd)} dispatches`,
    );
    engine.destroy();
  }
  device.destroy();
}
await main();
