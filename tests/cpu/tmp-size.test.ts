import { it } from 'vitest';
import { formulaLandscape } from '../../src/core/landscapes/formula/landscape';
import { type Landscape, landscapes } from '../../src/core/landscapes/landscapes';
import { dlnLandscape } from '../../src/core/landscapes/models/dln';
import { mlpLandscape } from '../../src/core/landscapes/models/mlp';
import { polynomialLandscape } from '../../src/core/landscapes/models/polynomial';
import { rrrLandscape } from '../../src/core/landscapes/models/rrr';
import { tanhZeroLandscape } from '../../src/core/landscapes/models/tanh-zero';
import { landscapeWat } from '../../src/cpu/landscape-wat';
import { watEvaluator } from './landscape-wat-harness';

it('sizes', { timeout: 600000 }, async () => {
  const ls: [Landscape, number[]][] = [
    ...landscapes.map((l) => [l, l.params.map((p) => p.default)] as [Landscape, number[]]),
    [formulaLandscape(Array.from({ length: 32 }, (_, i) => `w${i + 1}^2`).join(' + ')), []],
    [formulaLandscape('w1^2*w2^2'), []],
    [tanhZeroLandscape(3), []],
    [mlpLandscape({}), [0.5, 4]],
    [mlpLandscape({ inputs: 2, width: 8, teacherWidth: 3, points: 32 }), [0.5, 4]],
    [polynomialLandscape([1, 2, 3, 4, 5]), [0.7]],
    [polynomialLandscape([8, 8, 8, 8, 0]), [0.7]],
    [rrrLandscape({ M: 8, N: 8, H: 2, r: 1 }), [0.7]],
    [dlnLandscape({ widths: [3, 2, 2, 3], r: 1 }), [0.7]],
    [dlnLandscape({ widths: [4, 4, 2], r: 1 }), [0.7]],
  ];
  for (const [l, params] of ls) {
    const t0 = performance.now();
    const r = landscapeWat(l);
    const t1 = performance.now();
    if ('unsupported' in r) {
      console.log(l.title, 'UNSUPPORTED', r.unsupported);
      continue;
    }
    const ev = await watEvaluator(r);
    const t2 = performance.now();
    const n = 4096;
    const pts = Array.from({ length: n * l.dim }, (_, i) => Math.sin(i) * 0.5);
    const lp = l.uniforms ? [...l.uniforms(params)] : params;
    for (let k = 0; k < 10; k++) ev.evaluate(pts, lp);
    const t3 = performance.now();
    for (let k = 0; k < 20; k++) ev.evaluate(pts, lp);
    const t4 = performance.now();
    console.log(
      `${l.id} d=${l.dim}: wat ${(r.wat.length / 1024).toFixed(0)} KiB, ${r.wat.split('\n').length} lines, translate ${(t1 - t0).toFixed(0)} ms, assemble+compile ${(t2 - t1).toFixed(0)} ms, eval ${(((t4 - t3) / 20 / n) * 1e6).toFixed(0)} ns/point (incl. JS copy)`,
    );
  }
});
