/**
 * Perceptually uniform colour maps (viridis, magma) as 256-entry RGB tables, from the degree-6
 * polynomial fits of the matplotlib maps (max error well under one 8-bit step).
 */
export type ColormapName = 'viridis' | 'magma';

const COEFFS: Record<ColormapName, readonly (readonly [number, number, number])[]> = {
  viridis: [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ],
  magma: [
    [-0.002136485053939582, -0.000749655052795221, -0.005386127855323933],
    [0.2516605407371642, 0.6775232436837668, 2.494026599312351],
    [8.353717279216625, -3.577719514958484, 0.3144679030132573],
    [-27.66873308576866, 14.26473078096533, -13.64921318813922],
    [52.17613981234068, -27.94360607168351, 12.94416944238394],
    [-50.76852536473588, 29.04658282127291, 4.23415299384598],
    [18.65570506591883, -11.48977351997711, -5.601961508734096],
  ],
};

const tables = new Map<ColormapName, Uint8Array>();

/** 256 × RGB bytes. */
export function colormapTable(name: ColormapName): Uint8Array {
  let t = tables.get(name);
  if (t) return t;
  t = new Uint8Array(256 * 3);
  const c = COEFFS[name];
  for (let i = 0; i < 256; i++) {
    const x = i / 255;
    for (let k = 0; k < 3; k++) {
      let v = c[6][k];
      for (let d = 5; d >= 0; d--) v = v * x + c[d][k];
      t[i * 3 + k] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  tables.set(name, t);
  return t;
}

/** Colour at t ∈ [0, 1] as linear-ish floats in [0, 1] (sRGB values; the caller decides the space). */
export function colormapAt(name: ColormapName, t: number): [number, number, number] {
  const table = colormapTable(name);
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return [table[i] / 255, table[i + 1] / 255, table[i + 2] / 255];
}
