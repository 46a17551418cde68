import {
  FeeInputError,
  type FeeSchedule,
  FeeScheduleBook,
  FeeScheduleError,
  isCalendarDate,
  type Sharing,
} from './index';

const v1: FeeSchedule = {
  issuerId: 'H0001',
  effectiveFrom: '2024-01-01',
  escrowRate: '0.02',
  gatewayRate: '0.01',
  issuanceFee: 1,
  issuanceLayer: 1,
};
const v2: FeeSchedule = { ...v1, effectiveFrom: '2024-07-01', escrowRate: '0.015', issuanceFee: 2 };
const v3: FeeSchedule = { ...v1, effectiveFrom: '2025-01-01', gatewayRate: '0.028', issuanceLayer: 3 };
const other: FeeSchedule = { ...v1, issuerId: 'H0002', effectiveFrom: '2024-03-15', issuanceLayer: 2 };
const sharing: Sharing = { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' };

function failure(run: () => unknown): { type: string; code: string; field: string | undefined } {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof FeeScheduleError || error instanceof FeeInputError) {
      return { type: error.constructor.name, code: error.code, field: error.field };
    }
    throw error;
  }
  throw new Error('expected a fee error');
}

describe('FeeScheduleBook', () => {
  // added out of order on purpose
  const book = new FeeScheduleBook([v3, other, v1, v2]);

  it.each<[string, FeeSchedule]>([
    ['2024-01-01', v1], // the first day of v1
    ['2024-06-30', v1], // the last day of v1
    ['2024-07-01', v2], // the next schedule takes over on its date
    ['2024-12-31', v2],
    ['2025-01-01', v3],
    ['2099-12-31', v3], // the last schedule applies from its date onward
  ])('on %s applies the schedule in force', (date, expected) => {
    expect(book.scheduleFor('H0001', date)).toEqual(expected);
  });

  it('keeps issuers apart', () => {
    expect(book.scheduleFor('H0002', '2024-12-01')).toEqual(other);
    expect(book.schedulesOf('H0001').map((s) => s.effectiveFrom)).toEqual([
      '2024-01-01',
      '2024-07-01',
      '2025-01-01',
    ]);
    expect(book.schedulesOf('nobody')).toEqual([]);
  });

  it('refuses a date before the first schedule, and an unknown issuer', () => {
    expect(failure(() => book.scheduleFor('H0001', '2023-12-31'))).toEqual({
      type: 'FeeScheduleError',
      code: 'FEE_NO_SCHEDULE',
      field: 'redemption_date',
    });
    expect(failure(() => book.scheduleFor('H0002', '2024-03-14')).code).toBe('FEE_NO_SCHEDULE');
    expect(failure(() => book.scheduleFor('H9999', '2024-03-14'))).toEqual({
      type: 'FeeScheduleError',
      code: 'FEE_NO_SCHEDULE',
      field: 'issuer_id',
    });
    expect(failure(() => new FeeScheduleBook().scheduleFor('H0001', '2024-03-14')).code).toBe(
      'FEE_NO_SCHEDULE',
    );
  });

  it('refuses a bad redemption date', () => {
    for (const date of [
      '2024-02-30',
      '20240701',
      '2024-7-1',
      '2024-13-01',
      '',
      '2024-07-01T00:00:00+08:00',
    ]) {
      expect(failure(() => book.scheduleFor('H0001', date))).toEqual({
        type: 'FeeInputError',
        code: 'FEE_INVALID_DATE',
        field: 'redemption_date',
      });
    }
  });

  it('refuses a second schedule of one issuer from the same date', () => {
    const fresh = new FeeScheduleBook([v1]);
    expect(failure(() => fresh.add({ ...v1, escrowRate: '0.03' }))).toEqual({
      type: 'FeeScheduleError',
      code: 'FEE_DUPLICATE_SCHEDULE',
      field: 'effective_from',
    });
    expect(failure(() => new FeeScheduleBook([v1, v2, { ...v2 }])).code).toBe('FEE_DUPLICATE_SCHEDULE');
    // the same date for another issuer is fine
    expect(fresh.add({ ...v1, issuerId: 'H0003' }).scheduleFor('H0003', '2024-01-01').issuerId).toBe('H0003');
    expect(fresh.scheduleFor('H0001', '2030-01-01').escrowRate).toBe('0.02');
  });

  it('validates schedules when they are added', () => {
    const fresh = new FeeScheduleBook();
    expect(failure(() => fresh.add({ ...v1, escrowRate: '1.2' }))).toEqual({
      type: 'FeeInputError',
      code: 'FEE_INVALID_RATE',
      field: 'escrow_rate',
    });
    expect(failure(() => fresh.add({ ...v1, issuanceLayer: 0 as never })).code).toBe('FEE_INVALID_LAYER');
    expect(failure(() => fresh.add({ ...v1, issuanceFee: -1 })).code).toBe('FEE_NEGATIVE_AMOUNT');
    expect(failure(() => fresh.add({ ...v1, effectiveFrom: '2023-02-29' }))).toEqual({
      type: 'FeeInputError',
      code: 'FEE_INVALID_DATE',
      field: 'effective_from',
    });
    expect(failure(() => fresh.add({ ...v1, issuerId: '' }))).toEqual({
      type: 'FeeInputError',
      code: 'FEE_MISSING_FIELD',
      field: 'issuer_id',
    });
    expect(fresh.schedulesOf('H0001')).toEqual([]);
  });

  it('keeps its own frozen copy', () => {
    const mutable = { ...v1 };
    const fresh = new FeeScheduleBook([mutable]);
    mutable.escrowRate = '0.5';
    const kept = fresh.scheduleFor('H0001', '2024-05-05');
    expect(kept.escrowRate).toBe('0.02');
    expect(Object.isFrozen(kept)).toBe(true);
  });

  it('compiles the rule in force with a sharing', () => {
    const july = book.ruleFor('H0001', '2024-07-15', sharing);
    expect(july.split(1000)).toEqual({
      cost: 1000,
      gateway_fee: 10,
      escrow_fee: 15,
      issuance_layer: 1,
      issuance_fee: 2,
      headquarters: 146, // 973 − 730 − 97
      sales: 97, // 97.3
      reimbursement: 730, // 729.75
    });
    expect(book.ruleFor('H0001', '2025-03-01', sharing).split(1000)).toMatchObject({
      gateway_fee: 28,
      escrow_fee: 20,
      issuance_layer: 3,
    });
    expect(failure(() => book.ruleFor('H0001', '2025-03-01', { ...sharing, sales: '0.2' })).code).toBe(
      'FEE_INVALID_SHARING',
    );
  });
});

describe('isCalendarDate', () => {
  it.each(['2024-02-29', '2000-02-29', '1999-12-31', '0001-01-01'])('accepts %s', (date) => {
    expect(isCalendarDate(date)).toBe(true);
  });
  it.each([
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-00-10',
    '2024-01-00',
    '0000-01-01',
    '2024-1-01',
    20240101,
  ])('refuses %s', (date) => {
    expect(isCalendarDate(date)).toBe(false);
  });
});
