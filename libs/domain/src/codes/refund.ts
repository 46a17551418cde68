import { B200_IN_TRANSACTION_NOTE, executionMeanings, type StatusCodeTable } from './types';

/** 票券退款交易狀態碼 (seed 000): voucher refund (`api/voucherrefund`) and its query. */
export const RefundCode = {
  DataInvalid: '100',
  Refunded: '230',
  Failed: '300',
  SystemError: '400',
  Executed: 'B200',
  ExecutionFailed: 'B500',
} as const;
export type RefundCode = (typeof RefundCode)[keyof typeof RefundCode];

export const refundCodes: StatusCodeTable<RefundCode> = {
  '100': { code: '100', ...executionMeanings['100'], final: true, success: false, outcome: 'failed' },
  '230': {
    code: '230',
    meaningZh: '退款成功',
    meaning: 'Refunded',
    final: true,
    success: true,
    outcome: 'succeeded',
  },
  '300': {
    code: '300',
    meaningZh: '退款交易失敗',
    meaning: 'Refund failed',
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
