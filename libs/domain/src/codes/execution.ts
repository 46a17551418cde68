import { executionMeanings, type StatusCodeTable } from './types';

/** 票券執行狀態碼 / Pay Off 執行狀態碼: the outer code of every command's response (seeds 002, 003, 004). */
export const ExecutionCode = {
  DataInvalid: '100',
  SystemError: '400',
  Executed: 'B200',
  ExecutionFailed: 'B500',
} as const;
export type ExecutionCode = (typeof ExecutionCode)[keyof typeof ExecutionCode];

export const executionCodes: StatusCodeTable<ExecutionCode> = {
  '100': { code: '100', ...executionMeanings['100'], final: true, success: false, outcome: 'failed' },
  '400': { code: '400', ...executionMeanings['400'], final: false, success: false, outcome: 'unknown' },
  B200: { code: 'B200', ...executionMeanings.B200, final: true, success: true, outcome: 'succeeded' },
  B500: { code: 'B500', ...executionMeanings.B500, final: true, success: false, outcome: 'failed' },
};
