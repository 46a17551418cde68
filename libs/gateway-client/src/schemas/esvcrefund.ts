import { z } from 'zod';
import { refineWith } from '../rules/issues';
import { itemsMatchCost } from '../rules/items';
import {
  echoFieldsLoose,
  gatewayCode,
  intOneOf,
  looseString,
  nonEmpty,
  optionalTaiwanTimestamp,
  optionalText,
  optionalTwdText,
  twd,
} from '../wire/fields';
import { paypageItem } from './common';

/* api/esvcrefund (seed 003 電票退款): refund (partly) an e-ticket order by its gateway `uid`, store or dealer mode. */

export const esvcRefundRequestShape = z.strictObject({
  store_uid: nonEmpty,
  device_id: z.string().optional(),
  /** The order's 交易驗証碼 from the purchase answer. */
  key: nonEmpty,
  /** The order's gateway uid. */
  uid: nonEmpty,
  /** Amount to refund; partial refunds allowed. The table types it `string`; sent as a number like `cost` elsewhere. */
  cost: twd,
  /** 0 no invoice, 4 void / void and reissue (default), 6 allowance. */
  invoice_state: intOneOf([0, 4, 6]).optional(),
  /** Required with an e-invoice; names as in the original order, totals summing to `cost`. */
  items: z.array(paypageItem).optional(),
});

export const esvcRefundRequestSchema = esvcRefundRequestShape.superRefine(refineWith(itemsMatchCost));

/** 『電票交易退款完成資訊』, present only when the refund succeeded. */
export const esvcRefundRow = z.looseObject({
  uid: looseString,
  refund_uid: looseString,
  key: optionalText,
  code: gatewayCode.optional(),
  msg: optionalText,
  finishtime: optionalTaiwanTimestamp.optional(),
  order_id: optionalText,
  user_id: optionalText,
  /** The table types these `string`: answered so. */
  cost: optionalTwdText.optional(),
  currency: optionalText,
  actual_cost: optionalTwdText.optional(),
  actual_currency: optionalText,
  pfn: optionalText,
  ...echoFieldsLoose,
});

export const esvcRefundResponseSchema = z.looseObject({
  key: optionalText,
  uid: looseString.optional(),
  /** B200 or B500. */
  code: gatewayCode,
  msg: optionalText,
  row_data: esvcRefundRow.nullish(),
});

export type EsvcRefundRequest = z.output<typeof esvcRefundRequestSchema>;
export type EsvcRefundRequestWire = z.input<typeof esvcRefundRequestSchema>;
export type EsvcRefundResponse = z.output<typeof esvcRefundResponseSchema>;
export type EsvcRefundResponseWire = z.input<typeof esvcRefundResponseSchema>;
