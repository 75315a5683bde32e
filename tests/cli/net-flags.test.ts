/** The random network's flags, shared by randnet and sgd-vs-bayes: defaults from the schema, f32 ranges. */
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/cli/flags';
import { parseNetFlags, schemaNetDefaults } from '../../src/cli/net-flags';
import { schema } from '../../src/scene/schema';

describe('network flags', () => {
  const defaults = schemaNetDefaults('rn');

  test('absent flags take the schema defaults', () => {
    expect(defaults.inputs).toBe(schema.rnInputs.default);
    expect(parseNetFlags({}, 3, defaults)).toEqual({
      inputs: 7,
      hidden: [40, 40],
      activation: 'relu',
      init: 'gauss',
      biasInit: 'gauss',
      sw: 1,
      sb: 1,
      domain: '01',
      seed: 3,
    });
  });

  test('values are read, bias-init follows init, and bad ones name their flag', () => {
    const net = parseNetFlags({ inputs: '3', hidden: 'none', init: 'uniform', sw: '2' }, 1, defaults);
    expect(net).toMatchObject({ inputs: 3, hidden: [], init: 'uniform', biasInit: 'uniform', sw: 2 });
    const bad = (v: Record<string, string>, re: RegExp) => {
      expect(() => parseNetFlags(v, 1, defaults)).toThrow(UsageError);
      expect(() => parseNetFlags(v, 1, defaults)).toThrow(re);
    };
    bad({ hidden: '' }, /--hidden: expected widths such as 40,40 or 'none'/);
    bad({ hidden: '40,x' }, /^--hidden/);
    bad({ inputs: '8' }, /--inputs: expected an integer in 1..7, got '8'/);
    bad({ sw: '1e300' }, /--sw: expected a number in \[0, 1e\+10\]/);
    bad({ sb: '-1' }, /^--sb/);
    bad({ domain: 'x' }, /^--domain/);
  });
});
