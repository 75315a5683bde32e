/**
 * WGSL code generation for a parsed formula: `fn loss(w: Vec) -> f32` (forward pass) and
 * `fn grad(w: Vec) -> Vec` (forward pass, then reverse-mode adjoints), straight-line code with one
 * `let` per AST node. The AST is a tree, so each node has one parent and one adjoint: no
 * accumulation except into g[j] at the parameters. Every emitted token comes from the AST — numbers
 * re-formatted from parsed values, parameters as w[i], constants as lp(i), functions from a fixed
 * table — never from the formula text.
 */
import { children, dependsOnParams } from './evaluate';
import type { Node } from './parse';

/** A finite number as a WGSL float literal. */
export function wgslFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return `${x}.0`;
  return x.toExponential();
}

interface Emitted {
  readonly id: number;
  readonly node: Node;
  readonly kids: readonly Emitted[];
}

const CALLS: Record<string, (a: string[]) => string> = {
  abs: ([a]) => `abs(${a})`,
  min: ([a, b]) => `min(${a}, ${b})`,
  max: ([a, b]) => `max(${a}, ${b})`,
  exp: ([a]) => `exp(${a})`,
  log: ([a]) => `log(${a})`,
  sqrt: ([a]) => `sqrt(${a})`,
  sin: ([a]) => `sin(${a})`,
  cos: ([a]) => `cos(${a})`,
  tanh: ([a]) => `tanh(${a})`,
  sigmoid: ([a]) => `formula_sigmoid(${a})`,
  softplus: ([a]) => `formula_softplus(${a})`,
  relu: ([a]) => `max(${a}, 0.0)`,
};

/** WGSL expressions for ∂node/∂arg_i, mirroring localPartials() in evaluate.ts. */
function partials(node: Node, v: string, a: string[]): string[] {
  const [x, y] = a;
  if (node.kind === 'neg') return ['-1.0'];
  if (node.kind === 'bin') {
    switch (node.op) {
      case '+':
        return ['1.0', '1.0'];
      case '-':
        return ['1.0', '-1.0'];
      case '*':
        return [y, x];
      case '/':
        return [`(1.0 / ${y})`, `(-${x} / (${y} * ${y}))`];
      case '^':
        return [`(${y} * formula_pow(${x}, ${y} - 1.0))`, `(${v} * log(${x}))`];
    }
  }
  if (node.kind === 'call') {
    switch (node.fn) {
      case 'abs':
        return [`sign(${x})`];
      case 'min':
        return [`formula_min_share(${x}, ${y})`, `(1.0 - formula_min_share(${x}, ${y}))`];
      case 'max':
        return [`formula_min_share(${y}, ${x})`, `(1.0 - formula_min_share(${y}, ${x}))`];
      case 'exp':
        return [v];
      case 'log':
        return [`(1.0 / ${x})`];
      case 'sqrt':
        return [`(0.5 / ${v})`];
      case 'sin':
        return [`cos(${x})`];
      case 'cos':
        return [`(-sin(${x}))`];
      case 'tanh':
        return [`(1.0 - ${v} * ${v})`];
      case 'sigmoid':
        return [`(${v} * (1.0 - ${v}))`];
      case 'softplus':
        return [`formula_sigmoid(${x})`];
      case 'relu':
        return [`select(0.0, 1.0, ${x} > 0.0)`];
    }
  }
  return [];
}

export function generateWgsl(ast: Node): string {
  const forward: string[] = [];
  let next = 0;
  const emit = (node: Node): Emitted => {
    const emittedKids = children(node).map(emit);
    const id = next++;
    const a = emittedKids.map((k) => `v${k.id}`);
    let expr: string;
    switch (node.kind) {
      case 'num':
        expr = wgslFloat(node.value);
        break;
      case 'param':
        expr = `w[${node.index}]`;
        break;
      case 'const':
        expr = `lp(${node.index}u)`;
        break;
      case 'neg':
        expr = `-${a[0]}`;
        break;
      case 'bin':
        expr = node.op === '^' ? `formula_pow(${a[0]}, ${a[1]})` : `${a[0]} ${node.op} ${a[1]}`;
        break;
      case 'call':
        expr = CALLS[node.fn](a);
        break;
    }
    forward.push(`  let v${id} = ${expr};`);
    return { id, node, kids: emittedKids };
  };
  const root = emit(ast);

  const backward: string[] = [];
  const propagate = (e: Emitted, adjoint: string) => {
    if (e.node.kind === 'param') {
      backward.push(`  g[${e.node.index}] += ${adjoint};`);
      return;
    }
    const ps = partials(
      e.node,
      `v${e.id}`,
      e.kids.map((k) => `v${k.id}`),
    );
    e.kids.forEach((kid, i) => {
      if (!dependsOnParams(kid.node)) return;
      backward.push(`  let a${kid.id} = ${adjoint} * ${ps[i]};`);
      propagate(kid, `a${kid.id}`);
    });
  };
  if (dependsOnParams(ast)) propagate(root, '1.0');

  return [
    '// Generated from a formula by src/core/landscapes/formula/wgsl.ts.',
    'fn loss(w: Vec) -> f32 {',
    ...forward,
    `  return v${root.id};`,
    '}',
    '',
    'fn grad(w: Vec) -> Vec {',
    '  var g: Vec;',
    ...forward,
    ...backward,
    '  return g;',
    '}',
    '',
  ].join('\n');
}
