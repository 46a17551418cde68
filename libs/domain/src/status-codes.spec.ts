import {
  codeFamilies,
  codesOf,
  describeCode,
  isCodeOf,
  isExecutionCode,
  isOfflineRedemptionCode,
  isPayoffBatchCode,
  isPayoffItemCode,
  isPayPageCode,
  isPurchaseCode,
  isRedemptionCode,
  isRefundCode,
  PayoffBatchCode,
  PurchaseCode,
  statusCodeTables,
  type CodeFamily,
  type StatusCodeInfo,
} from './status-codes';

const allEntries = (): [CodeFamily, string, StatusCodeInfo][] =>
  codeFamilies.flatMap((family) =>
    codesOf(family).map((code): [CodeFamily, string, StatusCodeInfo] => [
      family,
      code,
      describeCode(family, code)!,
    ]),
  );

describe('the code tables', () => {
  it('hold exactly the codes of docs/protocol.md §2 and the seeds, in order', () => {
    expect(Object.fromEntries(codeFamilies.map((f) => [f, codesOf(f)]))).toEqual({
      execution: ['100', '400', 'B200', 'B500'],
      purchase: [
        '100',
        '200',
        '210',
        '250',
        '260',
        '270',
        '280',
        '290',
        '300',
        '380',
        '400',
        '500',
        '600',
        'A0001',
        'A0002',
        'B200',
        'B500',
      ],
      redemption: ['100', '250', '300', '400', 'B200', 'B500'],
      refund: ['100', '230', '300', '400', 'B200', 'B500'],
      offlineRedemption: ['250', '300'],
      payoffBatch: ['S01', 'S03', 'S04', 'S05'],
      payoffItem: ['C0001', 'C1001', 'C2001', 'C2002'],
      payPage: [
        '100',
        '200',
        '220',
        '230',
        '245',
        '247',
        '250',
        '260',
        '265',
        '270',
        '275',
        '280',
        '282',
        '284',
        '290',
        '300',
        '380',
        '400',
        '600',
        'A0001',
        'A0002',
        'B200',
        'B500',
      ],
    });
  });

  it.each(allEntries())('%s %s is self-consistent', (_family, _code, info) => {
    expect(info.meaning.length).toBeGreaterThan(0);
    expect(info.meaningZh).toMatch(/[\u4e00-\u9fff]/);
    // success implies final; definitive outcomes are final; pending and unknown never are.
    if (info.success) expect(info.final).toBe(true);
    expect(info.success).toBe(info.outcome === 'succeeded');
    if (info.outcome === 'succeeded' || info.outcome === 'failed') expect(info.final).toBe(true);
    if (info.outcome === 'pending' || info.outcome === 'unknown') expect(info.final).toBe(false);
  });

  it('keeps each entry under its own code', () => {
    for (const family of codeFamilies) {
      for (const [key, info] of Object.entries(statusCodeTables[family])) expect(info.code).toBe(key);
    }
  });
});

describe('finality decisions', () => {
  const summary = (family: CodeFamily, code: string) => {
    const info = describeCode(family, code);
    return info && { final: info.final, success: info.success, outcome: info.outcome };
  };

  it('purchase: processing and awaiting offline payment are not final', () => {
    for (const code of ['200', '210', '260', '270', '280']) {
      expect(summary('purchase', code)).toEqual({ final: false, success: false, outcome: 'pending' });
    }
  });

  it('purchase: 290 is final but needs attention, and is not a plain success', () => {
    expect(summary('purchase', PurchaseCode.PaidAmountMismatch)).toEqual({
      final: true,
      success: false,
      outcome: 'attention',
    });
  });

  it('400, 500, A0001 and B200 leave a transaction unknown, never failed', () => {
    for (const family of ['purchase', 'redemption', 'refund', 'payPage'] as const) {
      expect(summary(family, '400')).toEqual({ final: false, success: false, outcome: 'unknown' });
      expect(summary(family, 'B200')).toEqual({ final: false, success: false, outcome: 'unknown' });
    }
    expect(summary('purchase', '500')?.outcome).toBe('unknown');
    expect(summary('purchase', 'A0001')?.outcome).toBe('unknown');
    expect(summary('payPage', 'A0001')?.outcome).toBe('unknown');
    expect(summary('execution', '400')).toEqual({ final: false, success: false, outcome: 'unknown' });
  });

  it('definitive results', () => {
    expect(summary('purchase', '250')).toEqual({ final: true, success: true, outcome: 'succeeded' });
    expect(summary('purchase', '600')).toEqual({ final: true, success: true, outcome: 'succeeded' });
    expect(summary('purchase', '380')).toEqual({ final: true, success: false, outcome: 'failed' });
    expect(summary('purchase', 'A0002')).toEqual({ final: true, success: false, outcome: 'failed' });
    expect(summary('redemption', '250')).toEqual({ final: true, success: true, outcome: 'succeeded' });
    expect(summary('refund', '230')).toEqual({ final: true, success: true, outcome: 'succeeded' });
    expect(summary('offlineRedemption', '300')).toEqual({ final: true, success: false, outcome: 'failed' });
    expect(summary('execution', 'B200')).toEqual({ final: true, success: true, outcome: 'succeeded' });
    expect(summary('execution', 'B500')).toEqual({ final: true, success: false, outcome: 'failed' });
    expect(summary('payPage', '245')).toEqual({ final: false, success: false, outcome: 'pending' });
  });

  it('pay-off: S05 is final with attention; C2001 and C2002 are final failures', () => {
    expect(summary('payoffBatch', PayoffBatchCode.PartlyRemitted)).toEqual({
      final: true,
      success: false,
      outcome: 'attention',
    });
    expect(summary('payoffBatch', 'S04')).toEqual({ final: true, success: true, outcome: 'succeeded' });
    expect(summary('payoffBatch', 'S01')?.final).toBe(false);
    expect(summary('payoffItem', 'C2001')).toEqual({ final: true, success: false, outcome: 'failed' });
    expect(summary('payoffItem', 'C2002')).toEqual({ final: true, success: false, outcome: 'failed' });
    expect(summary('payoffItem', 'C1001')).toEqual({ final: true, success: true, outcome: 'succeeded' });
  });
});

describe('describeCode', () => {
  it('gives the family’s own meaning of shared digits', () => {
    expect(describeCode('purchase', '250')?.meaningZh).toBe('交易成功');
    expect(describeCode('offlineRedemption', '250')?.meaningZh).toBe('核銷成功');
    expect(describeCode('payPage', '250')?.meaningZh).toBe('付款成功');
  });

  it('reads numbers as their decimal text', () => {
    expect(describeCode('redemption', 250)?.code).toBe('250');
  });

  it('returns undefined for undocumented codes, S02 included', () => {
    expect(describeCode('payoffBatch', 'S02')).toBeUndefined();
    expect(describeCode('redemption', '230')).toBeUndefined();
    expect(describeCode('purchase', 'b200')).toBeUndefined();
    expect(describeCode('purchase', ' 250')).toBeUndefined();
    expect(describeCode('purchase', 'toString')).toBeUndefined();
    expect(describeCode('purchase', '__proto__')).toBeUndefined();
    expect(describeCode('payPage', 999)).toBeUndefined();
  });
});

describe('type guards', () => {
  it('accept the family’s codes only, as strings', () => {
    expect(isExecutionCode('B200')).toBe(true);
    expect(isExecutionCode('250')).toBe(false);
    expect(isPurchaseCode('A0002')).toBe(true);
    expect(isPurchaseCode(250)).toBe(false);
    expect(isRedemptionCode('250')).toBe(true);
    expect(isRedemptionCode('230')).toBe(false);
    expect(isRefundCode('230')).toBe(true);
    expect(isOfflineRedemptionCode('100')).toBe(false);
    expect(isPayoffBatchCode('S02')).toBe(false);
    expect(isPayoffItemCode('C2002')).toBe(true);
    expect(isPayPageCode('275')).toBe(true);
    expect(isCodeOf('payPage', 'constructor')).toBe(false);
    expect(isCodeOf('payPage', undefined)).toBe(false);
  });
});
