import { z } from 'zod';
import { echoFields, gatewayCode, nonEmpty, optionalText } from '../wire/fields';

/* api/ewalletbind (seed 001 MYPAY電子錢包綁定): open the card-binding page for a buyer. */

export const ewalletBindRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  user_id: nonEmpty,
  user_name: z.string().optional(),
  user_real_name: z.string().optional(),
  user_english_name: z.string().optional(),
  user_zipcode: z.string().optional(),
  user_address: z.string().optional(),
  user_sn_type: z.enum(['1', '2', '3']).optional(),
  user_sn: z.string().optional(),
  user_phone: z.string().optional(),
  user_cellphone_code: z.string().optional(),
  user_cellphone: z.string().optional(),
  user_email: z.string().optional(),
  user_birthday: z.string().optional(),
  ip: nonEmpty,
  pfn: z.string().optional(),
  ...echoFields,
  success_returl: z.string().optional(),
  failure_returl: z.string().optional(),
});

export const ewalletBindResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  url: z.string(),
});

export type EwalletBindRequest = z.output<typeof ewalletBindRequestSchema>;
export type EwalletBindResponse = z.output<typeof ewalletBindResponseSchema>;
