import { describe, expect, it } from '@jest/globals';
import { nextCoveringAt } from './covering';
import { groupIdFor, itemIdFor } from './ids';
import type { BatchRow } from './records';

describe('derived gateway ids', () => {
  const run = '0b8e2f4a-7d1c-4a57-9a43-2f7d1c9e5b60';

  it('are stable, fit the protocol (≤ 50, [A-Za-z0-9]) and differ by run, merchant and payee', () => {
    const ids = [
      groupIdFor(run, '289151880142'),
      groupIdFor(run, 'C0000000001'),
      groupIdFor('another-run', '289151880142'),
      groupIdFor(run, '289151880142', 1),
      groupIdFor(run, '289151880142', 2),
      itemIdFor(run, '289151880142', 'store:289151880142'),
      itemIdFor(run, '289151880142', 'dealer:D1'),
      itemIdFor(run, 'C0000000001', 'dealer:D1'),
    ];
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{1,50}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(groupIdFor(run, '289151880142')).toBe(ids[0]);
    expect(groupIdFor(run, '289151880142', 0)).toBe(ids[0]);
    expect(itemIdFor(run, '289151880142', 'dealer:D1')).toBe(ids[6]);
  });
});

describe('covering backoff', () => {
  const batch = (coveringAttempts: number): BatchRow => ({
    id: 'b',
    runId: 'r',
    payingMerchant: 'm',
    groupId: 'g',
    state: 'partly_remitted',
    gatewayCode: 'S05',
    coveringAttempts,
    revision: 0,
    updatedAt: new Date(0),
  });

  it('covers at once the first time, then waits backoff × 2^(n−1) after the last outcome', () => {
    expect([0, 1, 2, 3, 4].map((n) => nextCoveringAt(batch(n), 1_000).getTime())).toEqual([
      0, 1_000, 2_000, 4_000, 8_000,
    ]);
  });
});
