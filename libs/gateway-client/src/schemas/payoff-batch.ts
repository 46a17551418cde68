import { z } from 'zod';
import {
  echoFieldsLoose,
  gatewayCode,
  looseString,
  optionalTaiwanTimestamp,
  optionalText,
  twd,
} from '../wire/fields';

/*
 * 『批次撥款回傳參數』 (seed 004): the state of a pay-off batch. Seed 004 documents it as the answer of the
 * covering remittance; docs/protocol.md §3 reuses it for batch creation and query.
 */

/** 『Pay Off 批次撥款項目』. */
export const payoffItemState = z.looseObject({
  id: looseString,
  user_id: optionalText,
  money: twd,
  /** The table writes `YYYYmmddHHiiss` (PHP date letters): the same 14-digit timestamp. Empty until remitted. */
  finished_date: optionalTaiwanTimestamp.optional(),
  code: gatewayCode,
  msg: optionalText,
});

export const payoffBatchState = z.looseObject({
  uid: looseString,
  key: optionalText,
  code: gatewayCode,
  msg: optionalText,
  store_uid: optionalText,
  group_id: looseString,
  items: z.array(payoffItemState),
  ...echoFieldsLoose,
});

/** The answer of every pay-off command: outer `code`/`msg`, the batch in `content`. */
export const payoffResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  content: payoffBatchState.optional(),
});

export type PayoffBatchState = z.output<typeof payoffBatchState>;
export type PayoffItemState = z.output<typeof payoffItemState>;
export type PayoffResponse = z.output<typeof payoffResponseSchema>;
export type PayoffResponseWire = z.input<typeof payoffResponseSchema>;
