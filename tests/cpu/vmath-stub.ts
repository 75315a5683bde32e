/** TEMPORARY: lane-by-lane vector math through JS Math, until the toolkit's VMATH_WAT lands. */
const lanes = (fn: string) => `(func $v${fn} (param $x v128) (result v128)
  (f32x4.replace_lane 3
    (f32x4.replace_lane 2
      (f32x4.replace_lane 1
        (f32x4.splat (call $m_${fn} (f32x4.extract_lane 0 (local.get $x))))
        (call $m_${fn} (f32x4.extract_lane 1 (local.get $x))))
      (call $m_${fn} (f32x4.extract_lane 2 (local.get $x))))
    (call $m_${fn} (f32x4.extract_lane 3 (local.get $x)))))`;

export const VMATH_STUB_WAT = ['exp', 'log', 'sin', 'cos', 'tanh'].map(lanes).join('\n');

const f = Math.fround;
export const vmathStubImports = {
  m: {
    exp: (x: number) => f(Math.exp(x)),
    log: (x: number) => f(Math.log(x)),
    sin: (x: number) => f(Math.sin(x)),
    cos: (x: number) => f(Math.cos(x)),
    tanh: (x: number) => f(Math.tanh(x)),
  },
};
