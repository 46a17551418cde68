import { B200_IN_TRANSACTION_NOTE, executionMeanings, type StatusCodeTable } from './types';

/** 票券核銷交易狀態碼 (seed 000): online redemption (`api/vouchertransaction`) and its query. */
export const RedemptionCode = {
  DataInvalid: '100',
  Redeemed: '250',
  Failed: '300',
  SystemError: '400',
  Executed: 'B200',
  ExecutionFailed: 'B500',
} as const;
export type RedemptionCode = (typeof RedemptionCode)[keyof typeof RedemptionCode];

export const redemptionCodes: StatusCodeTable<RedemptionCode> = {
  '100': { code: '100', ...executionMeanings['100'], final: true, success: false, outcome: 'failed' },
  '250': {
    code: '250',
    meaningZh: '交易成功',
    meaning: 'Redeemed',
    final: true,
    success: true,
    outcome: 'succeeded',
  },
  '300': {
    code: '300',
    meaningZh: '交易失敗',
    meaning: 'Redemption failed',
    final: true,
    success: false,
    outcome: 'failed',
  },
  '400': {
    code: '400',
    meaningZh: '系統錯誤。',
    meaning: executionMeanings['400'].meaning,
    final: false,
    success: false,
    outcome: 'unknown',
  },
  B200: {
    code: 'B200',
    ...executionMeanings.B200,
    final: false,
    success: false,
    outcome: 'unknown',
    note: B200_IN_TRANSACTION_NOTE,
  },
  B500: { code: 'B500', ...executionMeanings.B500, final: true, success: false, outcome: 'failed' },
};

/** 票券交易狀態碼 of `api/voucheroffline` (seed 002): the inner code of a POS redemption. */
export const OfflineRedemptionCode = {
  Redeemed: '250',
  Failed: '300',
} as const;
export type OfflineRedemptionCode = (typeof OfflineRedemptionCode)[keyof typeof OfflineRedemptionCode];

export const offlineRedemptionCodes: StatusCodeTable<OfflineRedemptionCode> = {
  '250': {
    code: '250',
    meaningZh: '核銷成功',
    meaning: 'Redeemed',
    final: true,
    success: true,
    outcome: 'succeeded',
  },
  '300': {
    code: '300',
    meaningZh: '核銷失敗',
    meaning: 'Redemption failed',
    final: true,
    success: false,
    outcome: 'failed',
  },
};
