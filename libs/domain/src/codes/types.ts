/**
 * How a status code bears on the transaction it reports:
 * - `succeeded` / `failed`: a definitive result;
 * - `pending`: the gateway will report again by itself (the buyer has not paid yet, the approver has not acted);
 * - `unknown`: nobody has told us the result (system error, interruption): query, never assume failure;
 * - `attention`: the gateway is done but a person must look (paid with the wrong amount, a batch partly remitted).
 */
export type CodeOutcome = 'succeeded' | 'failed' | 'pending' | 'unknown' | 'attention';

export interface StatusCodeInfo<C extends string = string> {
  readonly code: C;
  /** English meaning, written for operators. */
  readonly meaning: string;
  /** The seed's own wording. */
  readonly meaningZh: string;
  /** The gateway will not change this code by itself; only a new request from us (e.g. a covering) can. */
  readonly final: boolean;
  /** The operation the code answers (payment, redemption, refund, cancellation, remittance) completed as asked. */
  readonly success: boolean;
  readonly outcome: CodeOutcome;
  /** Caveats from the seeds, or our reading where they are vague. */
  readonly note?: string;
}

/** One entry per code; the key and the entry's `code` must agree, which the mapped type enforces. */
export type StatusCodeTable<C extends string> = { readonly [K in C]: StatusCodeInfo<K> };

/** Shared wording for the execution codes that every family repeats. */
export const executionMeanings = {
  '100': { meaningZh: '資料不正確', meaning: 'Invalid data: the request was refused and nothing was done' },
  '400': { meaningZh: '系統錯誤', meaning: 'System error: the outcome is unknown, query before deciding' },
  B200: { meaningZh: '執行成功', meaning: 'Executed' },
  B500: { meaningZh: '執行失敗', meaning: 'Execution failed: the request was not processed' },
} as const;

/** In a transaction family, B200 only says the command ran; the transaction's own result must be queried. */
export const B200_IN_TRANSACTION_NOTE =
  'Says the command ran, not what became of the transaction: treated as unknown until a query gives a transaction code.';
