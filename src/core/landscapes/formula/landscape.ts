/** A Landscape compiled from formula text: WGSL and the TypeScript twin both from one AST. */
import preludeWgsl from '../../../../shaders/formula-prelude.wgsl';
import type { Landscape, LandscapeParam } from '../landscapes';
import { evaluate, evaluateWithGradient } from './evaluate';
import { FormulaError, MAX_PARAMS, type ParsedFormula, parseFormula } from './parse';
import { generateWgsl } from './wgsl';

export interface FormulaOptions {
  /** Dimension d (default: the highest wi used). Parameters beyond those used are free directions. */
  readonly dim?: number;
  /** Initial values of named constants (default 1). */
  readonly constants?: Readonly<Record<string, number>>;
}

export const CONSTANT_RANGE = 10;

export interface FormulaLandscape extends Landscape {
  readonly formula: ParsedFormula;
}

export function formulaLandscape(source: string, options: FormulaOptions = {}): FormulaLandscape {
  const parsed = parseFormula(source);
  const dim = options.dim ?? parsed.paramsUsed;
  if (!Number.isInteger(dim) || dim < parsed.paramsUsed || dim > MAX_PARAMS) {
    throw new FormulaError(
      `dimension must be an integer in [${parsed.paramsUsed}, ${MAX_PARAMS}] (the formula uses w${parsed.paramsUsed}), got ${dim}`,
      0,
      source,
    );
  }
  for (const name of Object.keys(options.constants ?? {})) {
    if (!parsed.constants.includes(name)) {
      const known = parsed.constants.join(', ') || 'none';
      throw new FormulaError(`the formula has no constant '${name}' (constants: ${known})`, 0, source);
    }
  }
  const params: LandscapeParam[] = parsed.constants.map((name) => {
    const value = options.constants?.[name] ?? 1;
    return {
      name,
      label: name,
      default: value,
      min: Math.min(-CONSTANT_RANGE, value),
      max: Math.max(CONSTANT_RANGE, value),
      integer: false,
    };
  });
  const ast = parsed.ast;
  return {
    id: 'formula',
    title: `L(w) = ${source}`,
    description: `formula ${source}`,
    dim,
    wgsl: `${preludeWgsl}\n${generateWgsl(ast)}`,
    params,
    defaultBound: 1,
    singularPoints: [{ label: 'origin', w: new Array<number>(dim).fill(0) }],
    exact: () => null,
    loss: (w, c) => evaluate(ast, w, c),
    grad: (w, c) => evaluateWithGradient(ast, w, c, dim).grad,
    formula: parsed,
  };
}
