/**
 * The formula language: a closed grammar for a loss over w1 … wd. Text becomes an AST here and
 * nowhere else; code generation (WGSL, the TypeScript twin) walks the AST, so no user text ever
 * reaches a shader or an evaluator unparsed.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | power
 *   power   := atom ('^' unary)?            (right-associative; -w1^2 = -(w1^2))
 *   atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 *
 * Names: w1 … w32 are parameters; abs min max exp log sqrt sin cos tanh sigmoid softplus relu are
 * functions; pi is π; any other name (letters, digits, _) is a named constant that becomes a slider.
 */

export const MAX_FORMULA_LENGTH = 2000;
/** Recursion levels of the parser (each parenthesis costs five): the backstop for '-' and '^' chains. */
export const MAX_DEPTH = 200;
/** Nested parentheses (grouping or a function's), counted as the user sees them; 32 × 5 < MAX_DEPTH. */
export const MAX_NESTING = 32;
export const MAX_NODES = 1000;
export const MAX_CONSTANTS = 16;
export const MAX_PARAMS = 32;

export const FUNCTIONS = {
  abs: 1,
  min: 2,
  max: 2,
  exp: 1,
  log: 1,
  sqrt: 1,
  sin: 1,
  cos: 1,
  tanh: 1,
  sigmoid: 1,
  softplus: 1,
  relu: 1,
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

export type Node =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'param'; readonly index: number }
  | { readonly kind: 'const'; readonly index: number; readonly name: string }
  | { readonly kind: 'neg'; readonly arg: Node }
  | {
      readonly kind: 'bin';
      readonly op: '+' | '-' | '*' | '/' | '^';
      readonly left: Node;
      readonly right: Node;
    }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly Node[] };

export interface ParsedFormula {
  readonly ast: Node;
  /** Highest parameter index used, plus one (w3 → 3). */
  readonly paramsUsed: number;
  /** Named constants in order of first appearance; `lp(i)` holds constant i. */
  readonly constants: readonly string[];
  readonly source: string;
}

/** A parse or validation error with the 0-based character position it refers to. */
export class FormulaError extends Error {
  override readonly name = 'FormulaError';
  constructor(
    readonly reason: string,
    readonly position: number,
    readonly source: string,
  ) {
    super(`${reason} at position ${position + 1}`);
  }

  /** The formula with a caret under the position, for terminals and the GUI. */
  get pointer(): string {
    const shown = this.source.length > 120 ? `${this.source.slice(0, 117)}...` : this.source;
    return `${shown}\n${' '.repeat(Math.min(this.position, 119))}^`;
  }
}

type Token =
  | { type: 'num'; value: number; pos: number }
  | { type: 'name'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'end'; pos: number };

const F32_MAX = 3.4028234663852886e38;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const numberMatch = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
    if (numberMatch) {
      const value = Number(numberMatch[0]);
      if (!Number.isFinite(value) || value > F32_MAX)
        throw new FormulaError('number too large for f32', i, src);
      if (value !== 0 && value < 1.2e-38) throw new FormulaError("number below f32's normal range", i, src);
      tokens.push({ type: 'num', value, pos: i });
      i += numberMatch[0].length;
      continue;
    }
    const nameMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 64));
    if (nameMatch) {
      if (nameMatch[0].length > 32) throw new FormulaError('name longer than 32 characters', i, src);
      tokens.push({ type: 'name', value: nameMatch[0], pos: i });
      i += nameMatch[0].length;
      continue;
    }
    if ('+-*/^(),'.includes(ch)) {
      tokens.push({ type: 'op', value: ch, pos: i });
      i++;
      continue;
    }
    const shown = JSON.stringify(String.fromCodePoint(src.codePointAt(i) ?? 0));
    throw new FormulaError(`unexpected character ${shown}`, i, src);
  }
  tokens.push({ type: 'end', pos: src.length });
  return tokens;
}

/** Parses a formula. `reserved` names (e.g. a model's own symbols) may be passed to forbid them. */
export function parseFormula(source: string): ParsedFormula {
  if (source.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(
      `formula longer than ${MAX_FORMULA_LENGTH} characters`,
      MAX_FORMULA_LENGTH,
      source,
    );
  }
  if (source.trim() === '') throw new FormulaError('empty formula', 0, source);
  const tokens = tokenize(source);
  let k = 0;
  let nodes = 0;
  let paramsUsed = 0;
  const constants: string[] = [];
  const peek = () => tokens[k];
  const isOp = (t: Token, v: string) => t.type === 'op' && t.value === v;
  const count = (pos: number) => {
    if (++nodes > MAX_NODES) throw new FormulaError(`formula has more than ${MAX_NODES} terms`, pos, source);
  };
  // Parentheses open at the current token: the nesting the message reports is the one the user wrote.
  let open = 0;
  const enter = (pos: number) => {
    if (++open > MAX_NESTING)
      throw new FormulaError(`formula nested deeper than ${MAX_NESTING} levels of parentheses`, pos, source);
  };
  const guard = (depth: number, pos: number) => {
    if (depth > MAX_DEPTH)
      throw new FormulaError(
        `formula nested deeper than the parser's ${MAX_DEPTH} levels (a long chain of unary '-' or '^' with ${open} parentheses open)`,
        pos,
        source,
      );
  };
  const expect = (v: string, what: string) => {
    const t = peek();
    if (!isOp(t, v)) throw new FormulaError(`expected ${what}`, t.pos, source);
    k++;
  };

  function expr(depth: number): Node {
    guard(depth, peek().pos);
    let left = term(depth + 1);
    while (isOp(peek(), '+') || isOp(peek(), '-')) {
      const t = tokens[k++] as { value: '+' | '-'; pos: number };
      count(t.pos);
      left = { kind: 'bin', op: t.value, left, right: term(depth + 1) };
    }
    return left;
  }
  function term(depth: number): Node {
    guard(depth, peek().pos);
    let left = unary(depth + 1);
    while (isOp(peek(), '*') || isOp(peek(), '/')) {
      const t = tokens[k++] as { value: '*' | '/'; pos: number };
      count(t.pos);
      left = { kind: 'bin', op: t.value, left, right: unary(depth + 1) };
    }
    return left;
  }
  function unary(depth: number): Node {
    guard(depth, peek().pos);
    const t = peek();
    if (isOp(t, '-')) {
      k++;
      count(t.pos);
      return { kind: 'neg', arg: unary(depth + 1) };
    }
    if (isOp(t, '+')) throw new FormulaError("unary '+' is not part of the language", t.pos, source);
    return power(depth + 1);
  }
  function power(depth: number): Node {
    const base = atom(depth + 1);
    if (isOp(peek(), '^')) {
      const t = tokens[k++];
      count(t.pos);
      return { kind: 'bin', op: '^', left: base, right: unary(depth + 1) };
    }
    return base;
  }
  function atom(depth: number): Node {
    guard(depth, peek().pos);
    const t = tokens[k];
    count(t.pos);
    if (t.type === 'num') {
      k++;
      return { kind: 'num', value: t.value };
    }
    if (isOp(t, '(')) {
      k++;
      enter(t.pos);
      const inner = expr(depth + 1);
      expect(')', "')'");
      open--;
      return inner;
    }
    if (t.type === 'name') {
      k++;
      const name = t.value;
      if (isOp(peek(), '(')) {
        if (!(name in FUNCTIONS)) {
          throw new FormulaError(
            `unknown function '${name}' (functions: ${Object.keys(FUNCTIONS).join(', ')})`,
            t.pos,
            source,
          );
        }
        const fn = name as FunctionName;
        enter(peek().pos);
        k++;
        const args = [expr(depth + 1)];
        while (isOp(peek(), ',')) {
          k++;
          args.push(expr(depth + 1));
        }
        const closing = peek();
        expect(')', "')' or ','");
        open--;
        if (args.length !== FUNCTIONS[fn]) {
          throw new FormulaError(
            `${fn} takes ${FUNCTIONS[fn]} argument${FUNCTIONS[fn] > 1 ? 's' : ''}, got ${args.length}`,
            closing.pos,
            source,
          );
        }
        return { kind: 'call', fn, args };
      }
      if (name in FUNCTIONS)
        throw new FormulaError(`function '${name}' needs arguments in parentheses`, t.pos, source);
      const param = /^w([1-9][0-9]?)$/.exec(name);
      if (param) {
        const index = Number(param[1]);
        if (index > MAX_PARAMS)
          throw new FormulaError(`parameter ${name}: at most w${MAX_PARAMS}`, t.pos, source);
        paramsUsed = Math.max(paramsUsed, index);
        return { kind: 'param', index: index - 1 };
      }
      if (/^w\d+$/.test(name))
        throw new FormulaError(`'${name}' is not a parameter: use w1 … w${MAX_PARAMS}`, t.pos, source);
      if (name === 'pi') return { kind: 'num', value: Math.PI };
      let index = constants.indexOf(name);
      if (index < 0) {
        if (constants.length >= MAX_CONSTANTS)
          throw new FormulaError(`more than ${MAX_CONSTANTS} named constants`, t.pos, source);
        constants.push(name);
        index = constants.length - 1;
      }
      return { kind: 'const', index, name };
    }
    if (t.type === 'end') throw new FormulaError('formula ends too early', t.pos, source);
    throw new FormulaError(`unexpected '${t.value}'`, t.pos, source);
  }

  const ast = expr(0);
  const rest = peek();
  if (rest.type !== 'end')
    throw new FormulaError(
      `unexpected ${rest.type === 'op' ? `'${rest.value}'` : `'${rest.value}'`} after a complete formula`,
      rest.pos,
      source,
    );
  if (paramsUsed === 0) throw new FormulaError('the formula uses no parameter w1 … wd', 0, source);
  return { ast, paramsUsed, constants, source };
}
