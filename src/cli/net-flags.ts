/**
 * The random network's flags (--inputs, --hidden, --activation, --init, --bias-init, --sw, --sb,
 * --domain), parsed once for `randnet` and `sgd-vs-bayes`. The defaults are the scene schema's (the
 * app's function-space and SGD-vs-Bayes fields), the ranges src/core/limits.ts's f32 bounds.
 */
import {
  ACTIVATIONS,
  type Activation,
  INIT_KINDS,
  INPUT_DOMAINS,
  type InitKind,
  type InputDomain,
  parseHiddenWidths,
  type RandNetConfig,
  validateRandNet,
} from '../core/function-space/randnet';
import { LIMITS, randNetWeightRange } from '../core/limits';
import { asUsage, choice, limited, UsageError } from './flags';
import { schemaDefaults, schemaInt } from './schema-flags';

export const NET_FLAGS = [
  'inputs',
  'hidden',
  'activation',
  'init',
  'bias-init',
  'sw',
  'sb',
  'domain',
] as const;
export type NetFlag = (typeof NET_FLAGS)[number];

/** What a network flag gives when it is absent (the schema's defaults for the command's fields). */
export interface NetDefaults {
  readonly inputs: number;
  readonly hidden: string;
  readonly activation: Activation;
  readonly init: InitKind;
  readonly sw: number;
  readonly sb: number;
  readonly domain: InputDomain;
}

/** The defaults of the app's function-space (rn…, randnet's) or SGD-vs-Bayes (sg…) network fields. */
export function schemaNetDefaults(prefix: 'rn' | 'sg'): NetDefaults {
  return schemaDefaults(prefix === 'rn' ? 'randnet' : 'sgd-vs-bayes');
}

function parseHidden(text: string): number[] {
  // An empty value is a slip (an unset shell variable), not a request for a perceptron: say 'none'.
  if (text.trim() === '') throw new UsageError("--hidden: expected widths such as 40,40 or 'none', got ''");
  return asUsage(
    () => parseHiddenWidths(text),
    (e) => `--hidden: ${(e as Error).message}`,
  );
}

/** The network the flags describe, validated; throws UsageError naming the flag. */
export function parseNetFlags(
  v: Readonly<Partial<Record<NetFlag, string>>>,
  seed: number,
  defaults: NetDefaults,
): RandNetConfig {
  const init = choice<InitKind>('init', v.init, INIT_KINDS, defaults.init);
  const hidden = parseHidden(v.hidden ?? defaults.hidden);
  const net: RandNetConfig = {
    // randnet's and sgd-vs-bayes's inputs share the schema's range, 1..MAX_INPUTS.
    inputs: schemaInt('randnet', 'inputs', v.inputs, defaults.inputs),
    hidden,
    activation: choice<Activation>('activation', v.activation, ACTIVATIONS, defaults.activation),
    init,
    biasInit: choice<InitKind>('bias-init', v['bias-init'], INIT_KINDS, init),
    // σw and σb: the f32 limits, not the app's slider range 0..100 (a run may probe a wider scale).
    sw: limited('sw', v.sw, defaults.sw, randNetWeightRange(hidden.length)),
    sb: limited('sb', v.sb, defaults.sb, LIMITS.biasScale),
    domain: choice<InputDomain>('domain', v.domain, INPUT_DOMAINS, defaults.domain),
    seed,
  };
  asUsage(
    () => validateRandNet(net),
    (err) => `--${(err as Error).message}`,
  );
  return net;
}
