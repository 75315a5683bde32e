/**
 * src/cpu/landscape-wat.ts: a landscape's WGSL translated to WebAssembly SIMD agrees with the
 * landscape's TypeScript twin (f32 against f64) for the built-ins, formulas and models; unsupported
 * WGSL gives a reason, malformed WGSL an error naming the line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formulaLandscape } from '../../src/core/landscapes/formula/landscape';
import { type Landscape, landscapes } from '../../src/core/landscapes/landscapes';
import { dlnLandscape } from '../../src/core/landscapes/models/dln';
import { mlpLandscape } from '../../src/core/landscapes/models/mlp';
import { polynomialLandscape, polynomialSlotsLandscape } from '../../src/core/landscapes/models/polynomial';
import { rrrLandscape } from '../../src/core/landscapes/models/rrr';
import { tanhZeroLandscape } from '../../src/core/landscapes/models/tanh-zero';
import { philox4x32_10, uniformOpen01 } from '../../src/core/rng';
import {
  type LandscapeWat,
  landscapeWat,
  WgslUnsupportedError,
  wgslToWat,
} from '../../src/cpu/landscape-wat';
import { WgslSyntaxError } from '../../src/cpu/wgsl-subset';
import { arbitraryFormula } from '../helpers/formulas';
import { watEvaluator } from './landscape-wat-harness';

const f32 = Math.fround;

function supported(l: Landscape): LandscapeWat {
  const r = landscapeWat(l);
  if ('unsupported' in r) throw new Error(`${l.id} unsupported: ${r.unsupported}`);
  return r;
}

/** Seeded points in [-s, s]^d (Philox, so the points are the same on every run). */
function seededPoints(d: number, count: number, s: number, seed: number): number[][] {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: d }, (_, j) =>
      f32(s * (2 * uniformOpen01(philox4x32_10([i, j, 0, 0], [seed, 0])[0]) - 1)),
    ),
  );
}

/**
 * Largest relative difference of the WAT's loss and gradient from the twin's (f64, evaluated at the
 * same f32 points), measured as |a − b| / (scale + |b|); every value must also be finite.
 */
async function watVersusTwin(l: Landscape, params: readonly number[], points: number[][], scale = 1e-30) {
  const ev = await watEvaluator(supported(l));
  // The GPU and the WAT see parameters as f32 uniforms: the twin gets the same values.
  params = params.map(f32);
  const lp = l.uniforms ? [...l.uniforms(params)] : [...params];
  const out = ev.evaluate(points.flat(), lp);
  const d = l.dim;
  let worst = 0;
  let where = '';
  const check = (got: number, want: number, what: string) => {
    expect(Number.isFinite(got), what).toBe(true);
    const rel = Math.abs(got - want) / (scale + Math.abs(want));
    if (rel > worst) [worst, where] = [rel, `${what}: ${got} vs ${want}`];
  };
  points.forEach((w, i) => {
    check(out.loss[i], l.loss(w, params), `loss at ${w}`);
    const g = l.grad(w, params);
    for (let j = 0; j < d; j++) check(out.grad[i * d + j], g[j], `grad ${j} at ${w}`);
  });
  return { worst, where, out };
}

describe('built-in landscapes on the CPU (WAT vs the TypeScript twin)', () => {
  const paramSets: Record<string, number[][]> = {
    bowl: [[]],
    'min-crossing': [[]],
    crossing: [1, 2, 3].flatMap((a) => [1, 2, 3].map((b) => [a, b])),
    'sum-of-powers': [1, 2, 3].flatMap((a) => [1, 2, 3].map((b) => [a, b])),
    'phase-transition': [[0.001], [0.01], [0.0625], [0.1]],
  };
  for (const l of landscapes) {
    for (const params of paramSets[l.id]) {
      it(`${l.id} (${params.join(', ') || 'no parameters'}): 1000 seeded points and the seams agree to 1e-6`, async () => {
        const points = seededPoints(2, 1000, 1.5, 17);
        // Seams, where the WGSL branches: x² = y² (min-crossing), x² = ΔL (phase transition), axes, origin.
        const dl = f32(params[0] ?? 0.01);
        const root = f32(Math.sqrt(dl));
        points.push([0.5, 0.5], [-0.5, 0.5], [0.25, -0.25], [0, 0], [0, 0.7], [0.7, 0], [1, -1]);
        // The seam x² = ΔL itself only where f32 and f64 agree that x² = ΔL (the twin is f64); the
        // f32 seam on its own is the next test's. Its f32 neighbours are on one side in both.
        if (f32(root * root) === dl && root * root === dl) points.push([root, 0.3], [-root, 0.3]);
        points.push([f32(root * (1 + 2 ** -22)), 0.1], [f32(root * (1 - 2 ** -22)), 0.1]);
        const { worst, where } = await watVersusTwin(l, params, points);
        // The same f32 operations as the WGSL against f64: a handful of roundings per value, far
        // below 1e-6 (a wrong branch or exponent is off by O(1)).
        expect(worst, where).toBeLessThan(1e-6);
      });
    }
  }

  it('takes the branch the f32 comparison takes at the phase-transition seam (x² == ΔL in f32)', async () => {
    const l = landscapes.find((x) => x.id === 'phase-transition') as Landscape;
    const ev = await watEvaluator(supported(l));
    // 0.5² = 0.25 exactly: the midpoint subgradient w1 (not 2·w1 or 0).
    const out = ev.evaluate([0.5, 0.2, 0.4, 0.2, 0.6, 0.2, -0.5, 0.1], [0.25]);
    expect([...out.grad]).toEqual([0.5, f32(0.4), f32(0.8), f32(0.4), 0, f32(0.4), -0.5, f32(0.2)]);
    const mc = supported(landscapes.find((x) => x.id === 'min-crossing') as Landscape);
    const out2 = (await watEvaluator(mc)).evaluate([0.3, -0.3, 0.3, 0.4, 0.5, 0.1, -0.2, 0.2], []);
    expect([...out2.grad]).toEqual([f32(0.3), f32(-0.3), f32(0.6), 0, 0, f32(0.2), f32(-0.2), f32(0.2)]);
  });

  it('four lanes are four independent walkers: the result of a point does not depend on its lane', async () => {
    const l = landscapes.find((x) => x.id === 'min-crossing') as Landscape;
    const ev = await watEvaluator(supported(l));
    const pts = seededPoints(2, 64, 1, 3);
    const all = ev.evaluate(pts.flat(), []);
    pts.forEach((w, i) => {
      const alone = ev.evaluate([0, 0, ...w, 5, -5, 0.1, 0.1], []); // the point in lane 1 of a mixed group
      expect([alone.loss[1], alone.grad[2], alone.grad[3]]).toEqual([
        all.loss[i],
        all.grad[2 * i],
        all.grad[2 * i + 1],
      ]);
    });
  });
});

describe('formula landscapes on the CPU', () => {
  const cases: [string, number[]][] = [
    ['w1^2*w2^2', []],
    ['sin(w1)*w2^2', []],
    ['(w1*w2 - 1)^2', []],
    ['a*w1^2 + w2^4', [3]],
    ['abs(w1) + min(w1^2, w2^2) + max(w1, w2)', []],
    ['exp(-w1^2) * log(1 + w2^2) + sqrt(w1^2 + 1)', []],
    ['tanh(w1*w2) + sigmoid(w1) + softplus(w2) + relu(w1 - w2) + cos(w1 + w2)', []],
    ['w1^-2 + w2^0.5 + w3^3', []],
    ['w1^2 / (1 + w2^2) - w3', []],
  ];
  for (const [src, params] of cases) {
    it(`${src}: agrees with the formula's TypeScript evaluator to 1e-5`, async () => {
      const l = formulaLandscape(src);
      // w2^0.5 and w1^-2 need w2 > 0 and w1 ≠ 0: positive points there.
      const positive = /\^-|\^0\.5/.test(src);
      const points = seededPoints(l.dim, 400, 1.2, 5).map((w) =>
        positive ? w.map((x) => f32(Math.abs(x) + 0.2)) : w,
      );
      const { worst, where } = await watVersusTwin(l, params, points, 1);
      // Transcendentals are float32-accurate (a few ulp), so relative to 1 + |value|: 1e-5.
      expect(worst, where).toBeLessThan(1e-5);
    });
  }
});

describe('random formulas on the CPU (property, seeded)', () => {
  it('40 random smooth formulas over w1..w3 agree with the evaluator at 50 points each', async () => {
    const cases = fc.sample(arbitraryFormula(3), { numRuns: 40, seed: 1717 });
    for (const src of cases) {
      const l = formulaLandscape(src, { dim: 3 });
      const params = l.params.map((p) => (p.name === 'c0' ? 0.7 : -1.3));
      const { worst, where } = await watVersusTwin(l, params, seededPoints(3, 50, 1.2, 13), 1);
      // f32 through chains of transcendentals against f64 (measured ≤ 1e-7): relative 1e-5 of (1 + |value|), while a
      // wrong rule or index is off by O(1).
      expect(worst, `${src}: ${where}`).toBeLessThan(1e-5);
    }
  });
});

describe('formulas with a w-dependent exponent (formula_pow: a loop of per-lane length)', () => {
  it('w1^w2 and 2^w1 (w1 > 0) agree with the evaluator, with integer exponents in some lanes and not others', async () => {
    const mixed = seededPoints(2, 200, 1, 9).map(([x, y], i) => [
      f32(0.3 + Math.abs(x)),
      i % 3 === 0 ? [-2, -1, 0, 1, 2, 3, 7][i % 7] : f32(3 * y),
    ]);
    for (const src of ['w1^w2', '2^w1 + (w1 + 1)^w2']) {
      const l = formulaLandscape(src);
      const { worst, where } = await watVersusTwin(l, [], mixed, 1);
      expect(worst, `${src}: ${where}`).toBeLessThan(1e-5);
    }
  });
});

describe('models on the CPU', () => {
  const pts = (d: number, n: number, s: number) => seededPoints(d, n, s, 11);
  it('tanh-zero H = 3 (loops over uniforms, run-time Vec indices)', async () => {
    const l = tanhZeroLandscape(3);
    const { worst, where } = await watVersusTwin(l, [], pts(6, 100, 1.5), 1);
    expect(worst, where).toBeLessThan(1e-5);
  });
  for (const act of ['tanh', 'relu', 'softplus'] as const) {
    it(`mlp (${act}, 2 inputs, width 4, 20 points)`, async () => {
      const l = mlpLandscape({ activation: act, inputs: 2, width: 4, teacherWidth: 3, points: 20 });
      const { worst, where } = await watVersusTwin(l, [0.5, 4], pts(16, 60, 0.9), 1);
      expect(worst, where).toBeLessThan(1e-5);
    });
  }
  for (const m of [
    [1, 2, 3, 4, 5],
    [5, 4, 3, 2, 1],
    [2, 0, 1, 0, 1],
  ]) {
    it(`polynomial m = (${m}) (structs, lp4, pointers, landscape_slot)`, async () => {
      const l = polynomialLandscape(m, [
        { x: 1, y: 1 },
        { x: -0.5, y: 0.2 },
        { x: 0.3, y: -1 },
      ]);
      const { worst, where } = await watVersusTwin(l, [0.7], pts(l.dim, 60, 1.1), 1);
      expect(worst, where).toBeLessThan(1e-5);
    });
  }
  it('polynomial with several datasets: $landscape_slot selects the dataset (clamped to the last)', async () => {
    const sets = [
      [{ x: 1, y: 1 }],
      [
        { x: 0.5, y: -2 },
        { x: 2, y: 0 },
      ],
    ];
    const l = polynomialSlotsLandscape([1, 1, 1, 1, 1], sets);
    const ev = await watEvaluator(supported(l));
    const lp = [...(l.uniforms as (p: readonly number[]) => readonly number[])([0.7])];
    const w = pts(5, 8, 1);
    const twin1 = polynomialLandscape([1, 1, 1, 1, 1], sets[1]);
    for (const slot of [0, 1, 5]) {
      const out = ev.evaluate(w.flat(), lp, slot);
      const twin = slot === 0 ? polynomialLandscape([1, 1, 1, 1, 1], sets[0]) : twin1;
      for (const [i, p] of w.entries()) {
        const want = twin.loss(p, [0.7]);
        expect(Math.abs(out.loss[i] - want) / (1 + want), `slot ${slot}`).toBeLessThan(1e-5);
      }
    }
  });
  it('reduced-rank regression (3×2×3, 8×2×8) and deep linear networks up to 7 layers (8×8 arrays indexed at run time)', async () => {
    for (const l of [
      rrrLandscape({ M: 3, N: 3, H: 2, r: 1 }),
      dlnLandscape({ widths: [3, 2, 2, 3], r: 1 }),
      dlnLandscape({ widths: [1, 2, 3, 2, 1], r: 1 }),
      rrrLandscape({ M: 8, N: 8, H: 2, r: 1 }),
      dlnLandscape({ widths: [2, 2, 2, 2, 2, 2, 2, 2], r: 1 }),
    ]) {
      const base = l.defaultWstar ?? new Array<number>(l.dim).fill(0);
      const points = pts(l.dim, 40, 0.3).map((w) => w.map((x, i) => f32(x + base[i])));
      const { worst, where } = await watVersusTwin(l, [0.7], points, 1);
      expect(worst, `${l.id}: ${where}`).toBeLessThan(1e-5);
    }
  });
});

describe('masked control flow (a synthetic landscape with a hand-written twin)', () => {
  // Returns under w-dependent conditions, writes through a pointer after some lanes returned, else-if
  // chains, an unrolled loop with a branch, a run-time loop inside a branch, and early uniform returns.
  const wgsl = `
fn f(x: f32, acc: ptr<function, f32>) -> f32 {
  if (x > 0.5) { *acc += 1.0; return x; }
  *acc += 2.0;
  if (x < -0.5) { return -x; } else if (x < 0.0) { *acc *= 3.0; }
  return x * x;
}
fn g(k: u32, x: f32) -> f32 {
  if (k == 0u) { return 10.0; }
  var r = 0.0;
  for (var i = 0u; i < k; i++) {
    if (x > f32(i) * 0.25) { r += x; } else { r -= 0.5; }
  }
  return r;
}
fn loss(w: Vec) -> f32 {
  var a = 0.0;
  let y = f(w[0], &a);
  var s = 0.0;
  for (var i = 0u; i < 3u; i++) { if (w[1] > f32(i) * 0.3) { s += w[1]; } else { s -= 1.0; } }
  var t = 0.0;
  if (w[0] * w[1] > 0.0) { t = g(u32(lp(0u)), w[1]); } else { t = g(0u, w[0]); }
  return y + a + s + t;
}
fn grad(w: Vec) -> Vec {
  var out: Vec;
  out[0] = select(w[0], -w[0], w[1] < 0.0);
  if (w[0] > 0.0) { return out; }
  out[1] = 1.0;
  return out;
}`;
  const twin = (w: readonly number[], k: number) => {
    let a = 0;
    const f = (x: number) => {
      if (x > 0.5) {
        a += 1;
        return x;
      }
      a += 2;
      if (x < -0.5) return -x;
      if (x < 0) a *= 3;
      return x * x;
    };
    const g = (kk: number, x: number) => {
      if (kk === 0) return 10;
      let r = 0;
      for (let i = 0; i < kk; i++) r += x > i * 0.25 ? x : -0.5;
      return r;
    };
    const y = f(w[0]);
    let s = 0;
    for (let i = 0; i < 3; i++) s += w[1] > f32(i * 0.3) ? w[1] : -1;
    const t = w[0] * w[1] > 0 ? g(k, w[1]) : g(0, w[0]);
    return { loss: y + a + s + t, grad: [w[1] < 0 ? -w[0] : w[0], w[0] > 0 ? 0 : 1] };
  };
  it('every lane follows its own path', async () => {
    const l: Landscape = { ...(landscapes[0] as Landscape), id: 'masked', wgsl };
    const ev = await watEvaluator(supported(l));
    const points = seededPoints(2, 400, 1.2, 29);
    for (const k of [0, 1, 4]) {
      const out = ev.evaluate(points.flat(), [k]);
      points.forEach((w, i) => {
        const want = twin(w, k);
        expect(Math.abs(out.loss[i] - want.loss), `loss at ${w}, k = ${k}`).toBeLessThan(
          1e-5 * (1 + Math.abs(want.loss)),
        );
        expect([out.grad[2 * i], out.grad[2 * i + 1]], `grad at ${w}`).toEqual(want.grad);
      });
    }
  });
});

describe('what the CPU translation refuses', () => {
  const withWgsl = (wgsl: string): Landscape => ({ ...(landscapes[0] as Landscape), id: 'test', wgsl });

  it('returns a reason, never throws, for valid WGSL outside the subset', () => {
    const cases: [string, RegExp][] = [
      [
        '@group(0) @binding(0) var<storage, read> data: array<f32>;\nfn loss(w: Vec) -> f32 { return data[0]; }',
        /test\.wgsl line 1: attribute '@group'/,
      ],
      ['var<workgroup> tile: array<f32, 64>;', /line 1: module-scope variable/],
      [
        'fn loss(w: Vec) -> f32 {\n  let i = u32(w[0]);\n  return w[i];\n}\nfn grad(w: Vec) -> Vec { return w; }',
        /line 3: an index that depends on w/,
      ],
      [
        'fn loss(w: Vec) -> f32 {\n  var k = 0u;\n  if (w[0] > 0.0) { k = 1u; }\n  return f32(k);\n}\nfn grad(w: Vec) -> Vec { return w; }',
        /line 3: a u32 variable assigned under a w-dependent condition/,
      ],
      [
        'fn loss(w: Vec) -> f32 {\n  let n = u32(w[0]);\n  return f32(n / 2u);\n}\nfn grad(w: Vec) -> Vec { return w; }',
        /line 3: '\/' of w-dependent integers/,
      ],
      [
        'fn loss(w: Vec) -> f32 {\n  var s = 0.0;\n  for (var i = 0u; i < 9u; i++) { if (s > w[0]) { break; } s += 1.0; }\n  return s;\n}\nfn grad(w: Vec) -> Vec { return w; }',
        /line 3: break under a w-dependent condition/,
      ],
      [
        'fn loss(w: Vec) -> f32 { return dot(vec2<f32>(w[0], w[1]), vec2<f32>(1.0, 1.0)); }\nfn grad(w: Vec) -> Vec { return w; }',
        /line 1: function 'dot'/,
      ],
      [
        'fn loss(w: Vec) -> f32 { loop { break; } }\nfn grad(w: Vec) -> Vec { return w; }',
        /line 1: 'loop' statement/,
      ],
      [
        'fn f(x: f32) -> f32 { return f(x); }\nfn loss(w: Vec) -> f32 { return f(w[0]); }\nfn grad(w: Vec) -> Vec { return w; }',
        /recursive call of f/,
      ],
      ['fn grad(w: Vec) -> Vec { return w; }', /no fn loss/],
    ];
    for (const [wgsl, reason] of cases) {
      const r = landscapeWat(withWgsl(wgsl));
      expect('unsupported' in r, wgsl).toBe(true);
      expect((r as { unsupported: string }).unsupported, wgsl).toMatch(reason);
    }
  });

  it('names the line of malformed WGSL', () => {
    const bad = 'fn loss(w: Vec) -> f32 {\n  let x = w[0] *;\n  return x;\n}\n';
    expect(() => wgslToWat([{ file: 'bad.wgsl', text: bad }], 2)).toThrow(WgslSyntaxError);
    expect(() => wgslToWat([{ file: 'bad.wgsl', text: bad }], 2)).toThrow(
      /bad\.wgsl line 2: expected an expression/,
    );
    const unclosed = 'fn loss(w: Vec) -> f32 {\n  return w[0];\n';
    expect(() => wgslToWat([{ file: 'u.wgsl', text: unclosed }], 2)).toThrow(/u\.wgsl line 3: expected '}'/);
    expect(() =>
      wgslToWat(
        [
          {
            file: 'n.wgsl',
            text: 'fn loss(w: Vec) -> f32 { return w[5]; }\nfn grad(w: Vec) -> Vec { return w; }',
          },
        ],
        2,
      ),
    ).toThrow(WgslUnsupportedError);
    const r = landscapeWat(withWgsl('fn loss(w: Vec) -> f32 {\n  return w[0] +;\n}'));
    expect((r as { unsupported: string }).unsupported).toMatch(/test\.wgsl line 2/);
  });
});
