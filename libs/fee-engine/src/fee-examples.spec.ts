import { readFileSync } from 'node:fs';

import { compileFeeRule, computeFees, computeFeesReference, type FeeObject, feeInputFromWire } from './index';

interface FeeExample {
  name: string;
  input: unknown;
  expected: FeeObject;
}

const examples = JSON.parse(
  readFileSync(new URL('../../../fixtures/fee-examples.json', import.meta.url), 'utf8'),
) as FeeExample[];

describe('the fee examples of seed 000 (fixtures/fee-examples.json)', () => {
  it('holds the five worked cases', () => {
    expect(examples).toHaveLength(5);
  });

  it.each(examples.map((example) => [example.name, example] as const))('%s', (_name, example) => {
    const input = feeInputFromWire(example.input);
    const fast = computeFees(input);
    expect(fast).toEqual(example.expected);
    // the key order of the seed's fee object, too
    expect(JSON.stringify(fast)).toBe(JSON.stringify(example.expected));
    expect(computeFeesReference(input)).toEqual(example.expected);
    expect(compileFeeRule(input, input.sharing).split(input.cost, input.isPaid)).toEqual(example.expected);
  });
});
