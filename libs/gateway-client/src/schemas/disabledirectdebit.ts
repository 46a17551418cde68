import { z } from 'zod';
import { calendarDate, gatewayCode, nonEmpty, optionalText } from '../wire/fields';

/* api/disabledirectdebit (seed 001 定期定額式扣款取消): stop a recurring debit. */

export const disableDirectDebitRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  order_id: nonEmpty,
  group_id: nonEmpty,
  /** Stop date YYYYMMDD; the gateway wants it after today. */
  stop_time: calendarDate,
  stop_reason: z.string().optional(),
});

export const disableDirectDebitResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  order_id: optionalText,
  group_id: optionalText,
});

export type DisableDirectDebitRequest = z.output<typeof disableDirectDebitRequestSchema>;
export type DisableDirectDebitResponse = z.output<typeof disableDirectDebitResponseSchema>;
