import { ExecutionCode } from '@tixclear/domain';
import { z } from 'zod';
import {
  alnumId32,
  count,
  decimalRatio,
  decimalRatioAnswer,
  gatewayCode,
  intOneOf,
  looseString,
  nonEmpty,
  optionalText,
  optionalTwd,
  twd,
} from '../wire/fields';

/*
 * Structures shared by several commands. Requests are strict objects (an unknown key is our bug and must not
 * reach the gateway); answers are loose objects (the gateway adds fields over time and we must keep working).
 */

/** The outer execution codes every command may answer with (seed 000 票券執行狀態碼, seed 002, seed 004). */
export const OUTER_CODE = {
  invalidData: ExecutionCode.DataInvalid,
  systemError: ExecutionCode.SystemError,
  executed: ExecutionCode.Executed,
  failed: ExecutionCode.ExecutionFailed,
} as const;

/** Display-only values the gateway writes as text, a number or null. Kept as text; never computed with. */
export const looseText = z.codec(
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
  z.string().nullable(),
  {
    decode: (wire) => (wire === null ? null : String(wire)),
    encode: (text) => text,
  },
);

/**
 * `looseText` for the fields the documents show as JSON numbers (`"state": 2`, `"trans_type": 1`): written back
 * (our /api/init answers) as that number when it is a plain integer, so the answer keeps the document's JSON type.
 */
export const looseNumberText = z.codec(
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
  z.string().nullable(),
  {
    decode: (wire) => (wire === null ? null : String(wire)),
    encode: (text): string | number | null =>
      text !== null && /^(0|[1-9]\d{0,14})$/.test(text) ? Number(text) : text,
  },
);

/** 『票券分潤』 in a request: exact decimal ratios, sent as strings as the samples do. */
export const sharingRequest = z.strictObject({
  headquarters: decimalRatio,
  sales: decimalRatio,
  reimbursement: decimalRatio,
});

/** 『票券分潤』 in an answer (numbers there: `0.15`). */
export const sharingAnswer = z.looseObject({
  headquarters: decimalRatioAnswer,
  sales: decimalRatioAnswer,
  reimbursement: decimalRatioAnswer,
});

/** 『票券費用』: the gateway's split of one redeemed voucher. Whole TWD everywhere (the table's `float` cost too). */
export const voucherFee = z.looseObject({
  cost: twd,
  gateway_fee: twd,
  escrow_fee: twd,
  /** 發行費收費者: 1 dealer, 2 big store, 3 store. */
  issuance_layer: intOneOf([1, 2, 3]),
  issuance_fee: twd,
  headquarters: twd,
  sales: twd,
  reimbursement: twd,
});

/** 『票券核銷項目(request)』 and 『票券退款項目』: one voucher by product id and serial. */
export const voucherRef = z.strictObject({
  id: alnumId32,
  serial_number: nonEmpty,
});

/** The same in answers. */
export const voucherRefAnswer = z.looseObject({
  id: looseString,
  serial_number: looseString,
});

/** 『票券核銷項目(response)』. `sharing` and `fee` are optional because gift vouchers may come without them. */
export const redeemedVoucher = z.looseObject({
  id: looseString,
  serial_number: looseString,
  /** 票券價值類型: 1 paid, 0 gift. */
  is_paid: intOneOf([0, 1]),
  sharing: sharingAnswer.optional(),
  fee: voucherFee.optional(),
});

/** 『商品項目』 of PayPage requests (orders, refund, capture) and esvcrefund. */
export const paypageItem = z.strictObject({
  id: nonEmpty,
  name: nonEmpty,
  cost: twd,
  amount: count,
  total: twd,
  /** LINE Pay online only. */
  image_url: z.string().optional(),
});

/** 『商品項目』 in answers (all strings there). */
export const paypageItemAnswer = z.looseObject({
  id: looseText.optional(),
  name: looseText.optional(),
  cost: optionalTwd.optional(),
  amount: looseText.optional(),
  total: optionalTwd.optional(),
});

/** A status-only answer: `code` and `msg`, anything else kept. */
export const codeAndMessage = {
  code: gatewayCode,
  msg: optionalText,
};
