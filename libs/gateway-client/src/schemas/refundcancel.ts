import { z } from 'zod';
import { nonEmpty } from '../wire/fields';
import { refundAnswer } from './paypage-common';

/* api/refundcancel (seed 001 取消退款): cancel a refund still queued (refunds leave at midnight). */

export const refundCancelRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  key: nonEmpty,
  uid: nonEmpty,
  /**
   * "資料若多筆,則以此欄位判別": several refunds at once. The row shape is not documented; we assume the same
   * `uid`/`key` pair as the single form.
   */
  rows: z.array(z.strictObject({ uid: nonEmpty, key: nonEmpty })).optional(),
});

export const refundCancelResponseSchema = refundAnswer;

export type RefundCancelRequest = z.output<typeof refundCancelRequestSchema>;
export type RefundCancelResponse = z.output<typeof refundCancelResponseSchema>;
