/**
 * A parser for the subset of WGSL that landscapes, models and compiled formulas are written in (a
 * closed grammar, recursive descent): module-level `fn`, `const`, `alias` and `struct`; statements
 * `let`/`var`/`const`, assignment (plain, compound, `++`/`--`, to names, `[i]` elements, `.field`s
 * and `*ptr`), `if`/`else if`/`else`, `for`, `while`, `break`, `continue`, `return`, call statements
 * and blocks; expressions with WGSL's operators, calls, type constructors (`array<f32, 5>(…)`,
 * `Vec(…)`, `vec4<f32>(…)`), indexing, members and swizzles, `&` and `*`, and literals with the
 * suffixes u, i, f. Anything else is a WgslSyntaxError naming the construct and its line: the CPU
 * backend (landscape-wat.ts) then reports the landscape as unsupported instead of guessing.
 *
 * Only syntax lives here; types, uniformity and code generation are landscape-wat.ts's job.
 */

/** Where a token or node came from: the source part's name and its 1-based line. */
export interface Loc {
  readonly file: string;
  readonly line: number;
}

/** A construct outside the subset, or text that is not WGSL at all. */
export class WgslSyntaxError extends Error {
  override readonly name = 'WgslSyntaxError';
  constructor(
    message: string,
    readonly loc: Loc,
  ) {
    super(`${loc.file} line ${loc.line}: ${message}`);
  }
}

export interface TypeNode {
  readonly name: string;
  /** Template arguments: types, or expressions for array sizes. */
  readonly args: readonly (TypeNode | Expr)[];
  readonly loc: Loc;
}

export type Expr =
  | {
      readonly k: 'num';
      readonly value: number;
      readonly float: boolean;
      readonly suffix: string;
      readonly loc: Loc;
    }
  | { readonly k: 'bool'; readonly value: boolean; readonly loc: Loc }
  | { readonly k: 'id'; readonly name: string; readonly loc: Loc }
  /** A call of a function, builtin or type constructor (`type` set for `array<…>(…)`-style callees). */
  | {
      readonly k: 'call';
      readonly callee: string;
      readonly type?: TypeNode;
      readonly args: readonly Expr[];
      readonly loc: Loc;
    }
  | { readonly k: 'index'; readonly base: Expr; readonly index: Expr; readonly loc: Loc }
  | { readonly k: 'member'; readonly base: Expr; readonly field: string; readonly loc: Loc }
  | { readonly k: 'unary'; readonly op: string; readonly arg: Expr; readonly loc: Loc }
  | {
      readonly k: 'binary';
      readonly op: string;
      readonly left: Expr;
      readonly right: Expr;
      readonly loc: Loc;
    };

export type Stmt =
  | {
      readonly k: 'decl';
      readonly kind: 'let' | 'var' | 'const';
      readonly name: string;
      readonly type?: TypeNode;
      readonly init?: Expr;
      readonly loc: Loc;
    }
  | {
      readonly k: 'assign';
      readonly op: string;
      readonly target: Expr;
      readonly value: Expr;
      readonly loc: Loc;
    }
  | { readonly k: 'incdec'; readonly op: '++' | '--'; readonly target: Expr; readonly loc: Loc }
  | {
      readonly k: 'if';
      readonly cond: Expr;
      readonly then: readonly Stmt[];
      readonly else?: readonly Stmt[];
      readonly loc: Loc;
    }
  | {
      readonly k: 'for';
      readonly init?: Stmt;
      readonly cond?: Expr;
      readonly update?: Stmt;
      readonly body: readonly Stmt[];
      readonly loc: Loc;
    }
  | { readonly k: 'break' | 'continue'; readonly loc: Loc }
  | { readonly k: 'return'; readonly value?: Expr; readonly loc: Loc }
  | { readonly k: 'expr'; readonly expr: Expr; readonly loc: Loc }
  | { readonly k: 'block'; readonly body: readonly Stmt[]; readonly loc: Loc };

export interface FnDecl {
  readonly k: 'fn';
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly type: TypeNode }[];
  readonly ret?: TypeNode;
  readonly body: readonly Stmt[];
  readonly loc: Loc;
}

export type Decl =
  | FnDecl
  | {
      readonly k: 'const';
      readonly name: string;
      readonly type?: TypeNode;
      readonly init: Expr;
      readonly loc: Loc;
    }
  | { readonly k: 'alias'; readonly name: string; readonly type: TypeNode; readonly loc: Loc }
  | {
      readonly k: 'struct';
      readonly name: string;
      readonly fields: readonly { readonly name: string; readonly type: TypeNode }[];
      readonly loc: Loc;
    };

interface Token {
  readonly t: 'id' | 'num' | 'op' | 'eof';
  readonly s: string;
  readonly loc: Loc;
}

// Longest first, so that `<<=` wins over `<<` and `<`.
const OPERATORS = [
  '<<=',
  '>>=',
  '->',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<<',
  '>>',
  ...'+-*/%<>=!&|^~(){}[],;:.@',
];

const RESERVED_UNSUPPORTED = new Set([
  'loop',
  'switch',
  'discard',
  'override',
  'enable',
  'requires',
  'diagnostic',
]);

/** Type names that take a template list `<…>` in expressions (constructors) as well as in types. */
const TEMPLATED = new Set(['array', 'vec2', 'vec3', 'vec4', 'ptr', 'mat2x2', 'mat3x3', 'mat4x4', 'atomic']);

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new WgslSyntaxError('unterminated block comment', { file, line });
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: 'id', s: m[0], loc: { file, line } });
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+[iu]?|(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?[iuf]?)/.exec(text.slice(i));
      if (!m) throw new WgslSyntaxError(`bad number '${text.slice(i, i + 8)}'`, { file, line });
      out.push({ t: 'num', s: m[0], loc: { file, line } });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new WgslSyntaxError(`unexpected character '${c}'`, { file, line });
      out.push({ t: 'op', s: op, loc: { file, line } });
      i += op.length;
    }
  }
  out.push({ t: 'eof', s: '', loc: { file, line } });
  return out;
}

function parseNumber(tok: Token): Expr {
  const s = tok.s;
  const last = s[s.length - 1];
  const hex = /^0[xX]/.test(s);
  const suffix = /[iuf]$/.test(s) && !(hex && last === 'f') ? last : '';
  const body = suffix ? s.slice(0, -1) : s;
  if (hex) return { k: 'num', value: Number.parseInt(body, 16), float: false, suffix, loc: tok.loc };
  const float = suffix === 'f' || /[.eE]/.test(body);
  if (!float && (suffix === 'u' || suffix === 'i' || suffix === '') && !/^\d+$/.test(body))
    throw new WgslSyntaxError(`bad integer literal '${s}'`, tok.loc);
  return { k: 'num', value: Number(body), float, suffix, loc: tok.loc };
}

/** Binary operators by precedence level, loosest first (WGSL's grammar forbids some mixes; this accepts a superset). */
const LEVELS: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  private get tok(): Token {
    return this.toks[this.pos];
  }
  private peek(k = 1): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }
  private fail(msg: string, tok = this.tok): never {
    throw new WgslSyntaxError(msg, tok.loc);
  }
  private is(s: string): boolean {
    return (this.tok.t === 'op' || this.tok.t === 'id') && this.tok.s === s;
  }
  private eat(s: string): boolean {
    if (!this.is(s)) return false;
    this.pos++;
    return true;
  }
  private expect(s: string): Token {
    if (!this.is(s)) this.fail(`expected '${s}', found ${this.describe()}`);
    return this.toks[this.pos++];
  }
  private describe(tok = this.tok): string {
    return tok.t === 'eof' ? 'end of text' : `'${tok.s}'`;
  }
  private ident(): string {
    if (this.tok.t !== 'id') this.fail(`expected a name, found ${this.describe()}`);
    return this.toks[this.pos++].s;
  }
  /** `>>` closes two template lists at once: split it. */
  private closeTemplate(): void {
    if (this.is('>>')) {
      const t = this.tok;
      (this.toks as Token[]).splice(
        this.pos,
        1,
        { t: 'op', s: '>', loc: t.loc },
        { t: 'op', s: '>', loc: t.loc },
      );
    }
    this.expect('>');
  }

  module(): Decl[] {
    const out: Decl[] = [];
    while (this.tok.t !== 'eof') out.push(this.decl());
    return out;
  }

  private decl(): Decl {
    const loc = this.tok.loc;
    if (this.is('@'))
      this.fail(`attribute '@${this.peek().s}' (entry points and bindings are not landscape code)`);
    if (this.eat('fn')) {
      const name = this.ident();
      this.expect('(');
      const params: { name: string; type: TypeNode }[] = [];
      while (!this.is(')')) {
        if (this.is('@')) this.fail('attributes on parameters');
        const pname = this.ident();
        this.expect(':');
        params.push({ name: pname, type: this.type() });
        if (!this.eat(',')) break;
      }
      this.expect(')');
      const ret = this.eat('->') ? this.type() : undefined;
      return { k: 'fn', name, params, ret, body: this.block(), loc };
    }
    if (this.eat('const')) {
      const name = this.ident();
      const type = this.eat(':') ? this.type() : undefined;
      this.expect('=');
      const init = this.expr();
      this.expect(';');
      return { k: 'const', name, type, init, loc };
    }
    if (this.eat('alias')) {
      const name = this.ident();
      this.expect('=');
      const type = this.type();
      this.expect(';');
      return { k: 'alias', name, type, loc };
    }
    if (this.eat('struct')) {
      const name = this.ident();
      this.expect('{');
      const fields: { name: string; type: TypeNode }[] = [];
      while (!this.is('}')) {
        if (this.is('@')) this.fail('attributes on struct members');
        const fname = this.ident();
        this.expect(':');
        fields.push({ name: fname, type: this.type() });
        if (!this.eat(',')) break;
      }
      this.expect('}');
      this.eat(';');
      return { k: 'struct', name, fields, loc };
    }
    if (this.is('var')) this.fail('module-scope variable (storage, uniform, workgroup or private memory)');
    return this.fail(`expected a declaration (fn, const, alias, struct), found ${this.describe()}`);
  }

  type(): TypeNode {
    const loc = this.tok.loc;
    const name = this.ident();
    const args: (TypeNode | Expr)[] = [];
    if (this.is('<')) {
      this.pos++;
      for (;;) {
        // An array size is an expression; anything else here is a type (or ptr's address space).
        if (this.tok.t === 'num' || (name === 'array' && args.length === 1)) args.push(this.shift());
        else args.push(this.type());
        if (!this.eat(',')) break;
      }
      this.closeTemplate();
    }
    return { name, args, loc };
  }

  private block(): Stmt[] {
    this.expect('{');
    const out: Stmt[] = [];
    while (!this.is('}')) {
      if (this.tok.t === 'eof') this.fail("expected '}', found end of text");
      out.push(this.stmt());
    }
    this.expect('}');
    return out;
  }

  private stmt(): Stmt {
    const loc = this.tok.loc;
    if (this.tok.t === 'id' && RESERVED_UNSUPPORTED.has(this.tok.s)) this.fail(`'${this.tok.s}' statement`);
    if (this.is('{')) return { k: 'block', body: this.block(), loc };
    if (this.eat(';')) return { k: 'block', body: [], loc };
    if (this.eat('if')) return this.ifRest(loc);
    if (this.eat('for')) {
      this.expect('(');
      const init = this.is(';') ? undefined : this.simple();
      this.expect(';');
      const cond = this.is(';') ? undefined : this.expr();
      this.expect(';');
      const update = this.is(')') ? undefined : this.simple();
      this.expect(')');
      return { k: 'for', init, cond, update, body: this.block(), loc };
    }
    if (this.eat('while')) {
      const cond = this.expr();
      return { k: 'for', cond, body: this.block(), loc };
    }
    if (this.eat('break')) {
      this.expect(';');
      return { k: 'break', loc };
    }
    if (this.eat('continue')) {
      this.expect(';');
      return { k: 'continue', loc };
    }
    if (this.eat('return')) {
      const value = this.is(';') ? undefined : this.expr();
      this.expect(';');
      return { k: 'return', value, loc };
    }
    const s = this.simple();
    this.expect(';');
    return s;
  }

  private ifRest(loc: Loc): Stmt {
    const cond = this.expr();
    const then = this.block();
    if (!this.eat('else')) return { k: 'if', cond, then, loc };
    if (this.is('if')) {
      const elseLoc = this.tok.loc;
      this.pos++;
      return { k: 'if', cond, then, else: [this.ifRest(elseLoc)], loc };
    }
    return { k: 'if', cond, then, else: this.block(), loc };
  }

  /** A declaration, assignment, increment or call: what may stand in a for header too. */
  private simple(): Stmt {
    const loc = this.tok.loc;
    if (this.is('let') || this.is('var') || this.is('const')) {
      const kind = this.tok.s as 'let' | 'var' | 'const';
      this.pos++;
      if (kind === 'var' && this.is('<')) this.fail('var with an address space');
      const name = this.ident();
      const type = this.eat(':') ? this.type() : undefined;
      const init = this.eat('=') ? this.expr() : undefined;
      if (!init && kind !== 'var') this.fail(`'${kind} ${name}' without a value`);
      return { k: 'decl', kind, name, type, init, loc };
    }
    if (this.is('_') && this.peek().s === '=') this.fail("phony assignment '_ ='");
    const target = this.unary();
    if (this.is('++') || this.is('--')) {
      const op = this.tok.s as '++' | '--';
      this.pos++;
      return { k: 'incdec', op, target, loc };
    }
    if (this.tok.t === 'op' && ASSIGN_OPS.has(this.tok.s)) {
      const op = this.tok.s;
      this.pos++;
      return { k: 'assign', op, target, value: this.expr(), loc };
    }
    if (target.k !== 'call') this.fail('an expression that is neither an assignment nor a call', this.tok);
    return { k: 'expr', expr: target, loc };
  }

  expr(level = 0): Expr {
    if (level === LEVELS.length) return this.unary();
    let left = this.expr(level + 1);
    while (this.tok.t === 'op' && LEVELS[level].includes(this.tok.s)) {
      const op = this.tok;
      this.pos++;
      left = { k: 'binary', op: op.s, left, right: this.expr(level + 1), loc: op.loc };
    }
    return left;
  }

  /** A shift-level expression: array sizes inside template lists, where `>` closes the list. */
  private shift(): Expr {
    return this.expr(LEVELS.findIndex((l) => l.includes('+')));
  }

  private unary(): Expr {
    const tok = this.tok;
    if (tok.t === 'op' && ['-', '!', '~', '&', '*'].includes(tok.s)) {
      this.pos++;
      return { k: 'unary', op: tok.s, arg: this.unary(), loc: tok.loc };
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    for (;;) {
      const loc = this.tok.loc;
      if (this.eat('[')) {
        const index = this.expr();
        this.expect(']');
        base = { k: 'index', base, index, loc };
      } else if (this.eat('.')) base = { k: 'member', base, field: this.ident(), loc };
      else return base;
    }
  }

  private primary(): Expr {
    const tok = this.tok;
    if (tok.t === 'num') {
      this.pos++;
      return parseNumber(tok);
    }
    if (this.eat('(')) {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (tok.t === 'id') {
      if (tok.s === 'true' || tok.s === 'false') {
        this.pos++;
        return { k: 'bool', value: tok.s === 'true', loc: tok.loc };
      }
      if (TEMPLATED.has(tok.s) && this.peek().s === '<') {
        const type = this.type();
        return { k: 'call', callee: type.name, type, args: this.args(), loc: tok.loc };
      }
      this.pos++;
      if (this.is('(')) return { k: 'call', callee: tok.s, args: this.args(), loc: tok.loc };
      return { k: 'id', name: tok.s, loc: tok.loc };
    }
    return this.fail(`expected an expression, found ${this.describe()}`);
  }

  private args(): Expr[] {
    this.expect('(');
    const out: Expr[] = [];
    while (!this.is(')')) {
      out.push(this.expr());
      if (!this.eat(',')) break;
    }
    this.expect(')');
    return out;
  }
}

/** Parses WGSL source parts (each named for error messages) into their declarations, in order. */
export function parseWgsl(parts: readonly { readonly file: string; readonly text: string }[]): Decl[] {
  return parts.flatMap((p) => new Parser(tokenize(p.text, p.file)).module());
}
