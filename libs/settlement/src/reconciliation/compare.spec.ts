import { describe, expect, it } from '@jest/globals';
import type { BooksDay, OurOperation } from './books';
import { compareDay } from './compare';
import type { GatewayDayFigures, MovementKind } from './ports';

const DATE = '2026-12-05';
const M = '289151810001';

function books(parts: Partial<BooksDay> = {}): BooksDay {
  return {
    merchantUid: M,
    held: 947,
    byKind: { purchase_paid: 1000, redemption: -3, refund: -50, payoff_item: 0, expiry: 0 },
    movements: [
      { kind: 'purchase_paid', reference: 'P1', amount: 1000 },
      { kind: 'redemption', reference: 'R1', amount: -3 },
      { kind: 'refund', reference: 'F1', amount: -50 },
    ],
    operations: { purchase_paid: ['P1'], redemption: ['R1'], refund: ['F1'], payoff_item: [], expiry: [] },
    other: [],
    ...parts,
  };
}

function gateway(parts: Partial<GatewayDayFigures> = {}): GatewayDayFigures {
  return {
    merchantUid: M,
    date: DATE,
    held: 947,
    byKind: { purchase_paid: 1000, redemption: -3, refund: -50, payoff_item: 0, expiry: 0 },
    movements: [
      { kind: 'purchase_paid', reference: 'P1', amount: 1000 },
      { kind: 'redemption', reference: 'R1', amount: -2 },
      { kind: 'redemption', reference: 'R1', amount: -1 },
      { kind: 'refund', reference: 'F1', amount: -50 },
    ],
    ...parts,
  };
}

const ours = (reference: string, parts: Partial<OurOperation> = {}): [string, OurOperation] => [
  reference,
  {
    reference,
    id: `op-${reference}`,
    kind: 'redemption',
    command: 'vouchertransaction',
    orderId: reference,
    refundUid: null,
    items: [],
    state: 'succeeded',
    completedOn: DATE,
    lines: 1,
    cleared: 1,
    held: 0,
    ...parts,
  },
];

const shape = (d: {
  subject: string;
  reference?: string;
  gateway?: number;
  books?: number;
  measure?: string;
}) => ({
  subject: d.subject,
  reference: d.reference,
  gateway: d.gateway,
  books: d.books,
  measure: d.measure,
});

describe('compareDay', () => {
  it('finds nothing when the balances, each operation (its vouchers summed) and each kind agree', () => {
    const result = compareDay({
      date: DATE,
      source: 's',
      books: books(),
      gateway: gateway(),
      ours: new Map(),
    });
    expect(result.differences).toEqual([]);
    expect(result.kinds.redemption).toEqual({
      operations: 1,
      booked: 1,
      gateway: 1,
      bookedAmount: -3,
      gatewayAmount: -3,
    });
  });

  it('names a fee the gateway kept otherwise than booked, and the balances it leaves apart', () => {
    const result = compareDay({
      date: DATE,
      source: 's',
      books: books({
        held: 948,
        byKind: { purchase_paid: 1000, redemption: -2, refund: -50, payoff_item: 0, expiry: 0 },
        movements: [
          { kind: 'purchase_paid', reference: 'P1', amount: 1000 },
          { kind: 'redemption', reference: 'R1', amount: -2 },
          { kind: 'refund', reference: 'F1', amount: -50 },
        ],
      }),
      gateway: gateway(),
      ours: new Map(),
    });
    expect(result.differences.map(shape)).toEqual([
      { subject: 'redemption', reference: 'R1', gateway: -3, books: -2, measure: undefined },
      { subject: 'redemption', reference: undefined, gateway: -3, books: -2, measure: 'money' },
      { subject: 'held', reference: undefined, gateway: 947, books: 948, measure: undefined },
    ]);
  });

  it('lists an operation the gateway has and the books have not, with what our records say of it', () => {
    const result = compareDay({
      date: DATE,
      source: 's',
      books: books(),
      gateway: gateway({
        held: 937,
        byKind: { purchase_paid: 1000, redemption: -13, refund: -50, payoff_item: 0, expiry: 0 },
        movements: [...gateway().movements!, { kind: 'redemption', reference: 'R2', amount: -10 }],
      }),
      ours: new Map([
        ours('R2', { command: 'voucheroffline', lines: 0, cleared: 0, items: ['redemption_mismatch'] }),
      ]),
    });
    const [first, ...rest] = result.differences;
    expect(shape(first!)).toEqual({
      subject: 'redemption',
      reference: 'R2',
      gateway: -10,
      books: undefined,
      measure: undefined,
    });
    expect(first!.queued).toEqual(['redemption_mismatch']);
    expect(rest.map(shape)).toEqual([
      { subject: 'redemption', reference: undefined, gateway: 2, books: 1, measure: 'count' },
      { subject: 'redemption', reference: undefined, gateway: -13, books: -3, measure: 'money' },
      { subject: 'held', reference: undefined, gateway: 937, books: 947, measure: undefined },
    ]);
  });

  it('lists what the books moved that the gateway has no trace of', () => {
    const booked = books({
      held: 1047,
      byKind: { purchase_paid: 1100, redemption: -3, refund: -50, payoff_item: 0, expiry: 0 },
      movements: [...books().movements, { kind: 'purchase_paid', reference: 'P2', amount: 100 }],
    });
    const result = compareDay({
      date: DATE,
      source: 's',
      books: booked,
      gateway: gateway(),
      ours: new Map(),
    });
    expect(result.differences.map(shape)).toEqual([
      { subject: 'purchase_paid', reference: 'P2', gateway: undefined, books: 100, measure: undefined },
      { subject: 'purchase_paid', reference: undefined, gateway: 1, books: 2, measure: 'count' },
      { subject: 'purchase_paid', reference: undefined, gateway: 1000, books: 1100, measure: 'money' },
      { subject: 'held', reference: undefined, gateway: 947, books: 1047, measure: undefined },
    ]);
  });

  it('says a balance gap the date does not explain came from before, and fees booked apart from the vouchers', () => {
    const result = compareDay({
      date: DATE,
      source: 's',
      books: books({
        held: 900,
        byKind: { purchase_paid: 1000, redemption: -4, refund: -50, payoff_item: 0, expiry: 0 },
      }),
      gateway: gateway({
        byKind: { purchase_paid: 1000, redemption: -4, refund: -50, payoff_item: 0, expiry: 0 },
      }),
      ours: new Map(),
    });
    expect(result.differences.map(shape)).toEqual([
      { subject: 'redemption', reference: undefined, gateway: undefined, books: -4, measure: undefined },
      { subject: 'held', reference: undefined, gateway: 947, books: 900, measure: undefined },
    ]);
  });

  it('skips operations that move no money, and compares only totals when the source lists no operations', () => {
    const noList = gateway({ movements: undefined });
    delete noList.movements;
    const result = compareDay({ date: DATE, source: 's', books: books(), gateway: noList, ours: new Map() });
    expect(result.differences).toEqual([]);
    const kinds: MovementKind[] = ['purchase_paid', 'redemption', 'refund', 'payoff_item', 'expiry'];
    for (const kind of kinds) expect(result.kinds[kind].gateway).toBeNull();
    const gift = compareDay({
      date: DATE,
      source: 's',
      books: books(),
      gateway: gateway({
        movements: [...gateway().movements!, { kind: 'purchase_paid', reference: 'G1', amount: 0 }],
      }),
      ours: new Map(),
    });
    expect(gift.differences.map(shape)).toEqual([
      { subject: 'purchase_paid', reference: undefined, gateway: 2, books: 1, measure: 'count' },
    ]);
  });

  it('is a difference when the gateway has no figures for the date', () => {
    const result = compareDay({
      date: DATE,
      source: 's',
      books: books(),
      gateway: undefined,
      ours: new Map(),
    });
    expect(result.gatewayHeld).toBeNull();
    expect(result.differences.map(shape)).toEqual([
      { subject: 'held', reference: undefined, gateway: undefined, books: 947, measure: undefined },
    ]);
  });
});
