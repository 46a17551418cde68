import { z } from 'zod';
import {
  calendarDate,
  echoFields,
  gatewayCode,
  int,
  intOneOf,
  numberText,
  nonEmpty,
  optionalText,
  orderId,
  twd,
} from '../wire/fields';
import { paypageItem } from './common';

/* api/orders (seed 001 PayPage金流交易): open a payment order; the answer carries the payment page URL. */

/** 『儲值交易項目』 (recharge). Points, not necessarily TWD: text as in the table. */
export const rechargeItem = z.strictObject({
  id: z.string(),
  name: z.string(),
  price: z.string(),
  amount: z.string(),
  total: z.string(),
});

/** 『後付款送貨資訊』 (pay-later delivery). */
export const shippingInfo = z.strictObject({
  /** 2 home delivery, 4 convenience store. */
  shipment_type: intOneOf([2, 4]).optional(),
  company_name: z.string().optional(),
  department_name: z.string().optional(),
  name: nonEmpty,
  /** 1 7-11, 2 FamilyMart. */
  cvs: intOneOf([1, 2]).optional(),
  cvs_store: z.string().optional(),
  cvs_store_name: z.string().optional(),
  zip_code: z.string().optional(),
  ship_address: nonEmpty,
  tel: nonEmpty,
});

const flag = intOneOf([0, 1]);

export const ordersRequestSchema = z.strictObject({
  store_uid: nonEmpty,
  user_id: nonEmpty,
  user_name: z.string().optional(),
  user_real_name: z.string().optional(),
  user_zipcode: z.string().optional(),
  user_address: z.string().optional(),
  user_sn_type: z.enum(['1', '2', '3']).optional(),
  user_sn: z.string().optional(),
  user_phone: z.string().optional(),
  user_cellphone_code: z.string().optional(),
  user_cellphone: z.string().optional(),
  user_email: z.string().optional(),
  user_birthday: z.string().optional(),
  /** Order total (per instalment for recurring orders). */
  cost: twd,
  currency: z.enum(['TWD', 'CNY']).optional(),
  enable_dcc: flag.optional(),
  order_id: orderId,
  /** The buyer's IP; some providers verify it. */
  ip: nonEmpty,
  item: z.string().optional(),
  items: z.array(paypageItem).min(1),
  /** Recurring period: W, F, M, S, H, A, O. */
  regular: z.enum(['W', 'F', 'M', 'S', 'H', 'A', 'O']).optional(),
  regular_total: z.string().optional(),
  regular_first_charge_date: calendarDate.optional(),
  group_id: z.string().optional(),
  ...echoFields,
  pfn: z.string().optional(),
  interface: z.enum(['pc', 'app']).optional(),
  discount: twd.optional(),
  success_returl: z.string().optional(),
  failure_returl: z.string().optional(),
  limit_pay_days: int.optional(),
  shipping_fee: twd.optional(),
  enable_quickpay: flag.optional(),
  enable_ewallet: flag.optional(),
  virtual_pan: z.string().optional(),
  ewallet_type: intOneOf([1, 2]).optional(),
  transaction_type: intOneOf([1, 2]).optional(),
  /** JSON text, e.g. `{"3": ["013", "822"]}`. */
  creditcard_installment: z.string().optional(),
  cardless_code: z.string().optional(),
  cardless_installment: z.string().optional(),
  each_code: z.string().optional(),
  issue_invoice_state: intOneOf([0, 1, 2]).optional(),
  invoice_ratetype: intOneOf([1, 2, 3]).optional(),
  invoice_input_type: intOneOf([1, 2, 3]).optional(),
  invoice_cloud_type: intOneOf([2, 3, 4]).optional(),
  invoice_tax_id: z.string().optional(),
  invoice_mobile_code: z.string().optional(),
  invoice_natural_person: z.string().optional(),
  invoice_love_code: z.string().optional(),
  invoice_b2b_title: z.string().optional(),
  invoice_b2b_id: z.string().optional(),
  invoice_b2b_address: z.string().optional(),
  invoice_b2b_title_force: flag.optional(),
  invoice_b2b_id_force: flag.optional(),
  invoice_b2b_address_force: flag.optional(),
  /** 『無卡分期消費者資訊』: a hundred optional text fields for cardless instalments; kept as a text map. */
  user_data: z.record(z.string(), z.string()).optional(),
  files_path: z.string().optional(),
  price: z.string().optional(),
  recharge_code: z.string().optional(),
  recharge_items: z.array(rechargeItem).optional(),
  agent_sms_fee_type: flag.optional(),
  agent_charge_fee_type: flag.optional(),
  agent_charge_fee: twd.optional(),
  is_agent_charge: flag.optional(),
  shipping_info: shippingInfo.optional(),
  /** 0 capture manually (authorisation only), 1 capture automatically (default). */
  creditcard_is_automatic_payment: flag.optional(),
});

/** 『PayPage金流交易』回傳欄位. `code` 200 = order open. */
export const ordersResponseSchema = z.looseObject({
  code: gatewayCode,
  msg: optionalText,
  uid: numberText,
  key: z.string(),
  url: z.string(),
});

export type OrdersRequest = z.output<typeof ordersRequestSchema>;
export type OrdersRequestWire = z.input<typeof ordersRequestSchema>;
export type OrdersResponse = z.output<typeof ordersResponseSchema>;
