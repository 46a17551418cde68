import type { StatusCodeTable } from './types';

/**
 * Pay Off 撥款批次狀態碼 (seed 004). The seed lists S01, S03, S04 and S05 only; S02 is not documented, so it
 * is not invented here: `describeCode('payoffBatch', 'S02')` is `undefined` and callers escalate it.
 */
export const PayoffBatchCode = {
  AwaitingApproval: 'S01',
  Remitting: 'S03',
  AllRemitted: 'S04',
  PartlyRemitted: 'S05',
} as const;
export type PayoffBatchCode = (typeof PayoffBatchCode)[keyof typeof PayoffBatchCode];

export const payoffBatchCodes: StatusCodeTable<PayoffBatchCode> = {
  S01: {
    code: 'S01',
    meaningZh: '等待放行',
    meaning: 'Awaiting approval',
    final: false,
    success: false,
    outcome: 'pending',
  },
  S03: {
    code: 'S03',
    meaningZh: '執行批次撥款中',
    meaning: 'Remitting',
    final: false,
    success: false,
    outcome: 'pending',
  },
  S04: {
    code: 'S04',
    meaningZh: '全部撥款完成',
    meaning: 'All items remitted',
    final: true,
    success: true,
    outcome: 'succeeded',
  },
  S05: {
    code: 'S05',
    meaningZh: '部分撥款完成',
    meaning: 'Partly remitted: some items failed or were rejected',
    final: true,
    success: false,
    outcome: 'attention',
    note: 'Only an S05 batch accepts a covering remittance (api/payoffcoveringremittance) of its C2001/C2002 items.',
  },
};

/** Pay Off 撥款狀態碼 (seed 004): the code of one item (one payee, one amount) of a batch. */
export const PayoffItemCode = {
  AwaitingApproval: 'C0001',
  Remitted: 'C1001',
  RemittanceFailed: 'C2001',
  RejectedByApprover: 'C2002',
} as const;
export type PayoffItemCode = (typeof PayoffItemCode)[keyof typeof PayoffItemCode];

export const payoffItemCodes: StatusCodeTable<PayoffItemCode> = {
  C0001: {
    code: 'C0001',
    meaningZh: '等待放行',
    meaning: 'Awaiting approval',
    final: false,
    success: false,
    outcome: 'pending',
  },
  C1001: {
    code: 'C1001',
    meaningZh: '撥款成功',
    meaning: 'Remitted',
    final: true,
    success: true,
    outcome: 'succeeded',
  },
  C2001: {
    code: 'C2001',
    meaningZh: '撥款失敗',
    meaning: 'Remittance failed',
    final: true,
    success: false,
    outcome: 'failed',
    note: 'Can be re-remitted by a covering remittance while its batch is S05.',
  },
  C2002: {
    code: 'C2002',
    meaningZh: '放行人退件',
    meaning: 'Rejected by the approver',
    final: true,
    success: false,
    outcome: 'failed',
    note: 'Can be re-remitted by a covering remittance while its batch is S05.',
  },
};
