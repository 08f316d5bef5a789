// Specifies the steps of the vendor executor: go mod vendor, optionally after tidy and before verify.

import { vendorSteps, type VendorExecutorOptions } from './executor';

describe('vendorSteps', () => {
  it.each<[string, VendorExecutorOptions, string[][]]>([
    ['no options', {}, [['mod', 'vendor']]],
    ['the inferred defaults', { tidy: false, verify: false }, [['mod', 'vendor']]],
    ['tidy first', { tidy: true }, [['mod', 'tidy'], ['mod', 'vendor']]],
    ['verify afterwards', { verify: true }, [['mod', 'vendor'], ['mod', 'verify']]],
    ['both', { tidy: true, verify: true }, [['mod', 'tidy'], ['mod', 'vendor'], ['mod', 'verify']]],
    ['serverConfig and verbose add no step', { serverConfig: 'x.yaml', verbose: true }, [['mod', 'vendor']]],
  ])('%s', (_label, options, expected) => {
    expect(vendorSteps(options)).toEqual(expected);
  });

  it('always vendors exactly once', () => {
    for (const tidy of [false, true]) {
      for (const verify of [false, true]) {
        expect(vendorSteps({ tidy, verify }).filter((s) => s.join(' ') === 'mod vendor')).toHaveLength(1);
      }
    }
  });
});
