import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { itemsMatchCost } from '../rules/items';
import { intOneOf, nonEmpty, twd } from '../wire/fields';
import { paypageItem } from './common';
import { refundAnswer } from './paypage-common';

/* api/refund (seed 001 交易退款): refund a PayPage order (partial allowed). */

export const refundRequestShape = z.strictObject({
  store_uid: nonEmpty,
  key: nonEmpty,
  uid: nonEmpty,
  cost: twd,
  /** 4 void / void and reissue (default), 6 allowance. */
  invoice_state: intOneOf([4, 6]).optional(),
  /** Required with an e-invoice; names as in the order; totals summing to `cost`. */
  items: z.array(paypageItem).optional(),
});

export const refundRequestSchema = refundRequestShape.superRefine(refineWith(itemsMatchCost));
export const refundResponseSchema = refundAnswer;

export type RefundRequest = z.output<typeof refundRequestSchema>;
export type RefundRequestWire = z.input<typeof refundRequestSchema>;
export type RefundResponse = z.output<typeof refundResponseSchema>;
