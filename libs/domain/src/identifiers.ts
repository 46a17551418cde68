import { InvalidIdentifierError, type IdentifierProblem } from './domain-errors';

declare const idBrand: unique symbol;

/** A string that passed a validator below; the brand keeps unchecked strings out of typed signatures. */
export type Brand<T, B extends string> = T & { readonly [idBrand]: B };

/** 特約商店商務代號: store (merchant) id, `string(16)` in the seeds; their samples are digits. */
export type StoreUid = Brand<string, 'StoreUid'>;
/** 經銷商商務代號: dealer id, same shape as a store uid. */
export type AgentUid = Brand<string, 'AgentUid'>;
/** 訂單編號: our order id, unique per merchant, at most 50 bytes (seed 001). */
export type OrderId = Brand<string, 'OrderId'>;
/** 票券產品編號: voucher product id, at most 32 bytes of `[A-Za-z0-9]` (seed 000, 票券項目). */
export type VoucherItemId = Brand<string, 'VoucherItemId'>;
/** 票券序號: voucher serial number (客製票券序號), at most 32 bytes of `[A-Za-z0-9]` (seed 000). */
export type SerialNumber = Brand<string, 'SerialNumber'>;
/** 核銷交易碼 (digital form): `MYTIX` + 16 characters, 21 in all (seed 002). */
export type PayToken = Brand<string, 'PayToken'>;

interface Rule {
  readonly label: string;
  readonly maxBytes: number;
  /** Tested against the whole string; states the allowed characters only (length is checked in bytes). */
  readonly charset: RegExp;
  /** An exact shape beyond the charset, when the protocol fixes one. */
  readonly format?: RegExp;
}

const ALNUM = /^[A-Za-z0-9]+$/;

/*
 * The seeds define order_id only as "at most 50 bytes". We also restrict it to visible ASCII (0x21–0x7E):
 * the seeds never say in which encoding the gateway counts bytes (UTF-8 or Big5), PHP clients send non-ASCII
 * as \uXXXX escapes, and upstream banks truncate or refuse such ids. A Chinese id is therefore refused outright
 * instead of being accepted here and failing at the gateway later.
 */
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

const rules = {
  storeUid: { label: 'store uid', maxBytes: 16, charset: ALNUM },
  agentUid: { label: 'agent uid', maxBytes: 16, charset: ALNUM },
  orderId: { label: 'order id', maxBytes: 50, charset: VISIBLE_ASCII },
  voucherItemId: { label: 'voucher item id', maxBytes: 32, charset: ALNUM },
  serialNumber: { label: 'serial number', maxBytes: 32, charset: ALNUM },
  // Seed 002's only example is MYTIX12345678ABCDEFGH: digits and upper-case letters. Lower case is refused,
  // since a token is scanned, not typed, and a case-folded token would be a different token at the gateway.
  payToken: { label: 'pay token', maxBytes: 21, charset: /^[0-9A-Z]+$/, format: /^MYTIX[0-9A-Z]{16}$/ },
} as const satisfies Record<string, Rule>;

const encoder = new TextEncoder();

/** Length in UTF-8 bytes, the unit the protocol's limits are written in (a CJK character is 3 bytes). */
export function utf8ByteLength(value: string): number {
  return encoder.encode(value).length;
}

function problemOf(value: unknown, rule: Rule): IdentifierProblem | undefined {
  if (typeof value !== 'string') return 'type';
  if (value.length === 0) return 'empty';
  if (!rule.charset.test(value)) return 'charset';
  if (utf8ByteLength(value) > rule.maxBytes) return 'too_long';
  if (rule.format && !rule.format.test(value)) return 'format';
  return undefined;
}

const explanations: Record<IdentifierProblem, string> = {
  type: 'must be a string',
  empty: 'must not be empty',
  charset: 'contains characters outside the allowed set',
  too_long: 'is too long',
  format: 'does not have the required format',
  calendar: 'is not a real calendar value',
  range: 'is out of range',
};

function validate<T>(value: unknown, rule: Rule, field: string): T {
  const problem = problemOf(value, rule);
  if (problem !== undefined) {
    throw new InvalidIdentifierError(field, problem, `${rule.label} ${explanations[problem]}`);
  }
  return value as T;
}

export function storeUid(value: unknown, field = 'store_uid'): StoreUid {
  return validate<StoreUid>(value, rules.storeUid, field);
}
export function agentUid(value: unknown, field = 'agent_uid'): AgentUid {
  return validate<AgentUid>(value, rules.agentUid, field);
}
export function orderId(value: unknown, field = 'order_id'): OrderId {
  return validate<OrderId>(value, rules.orderId, field);
}
export function voucherItemId(value: unknown, field = 'id'): VoucherItemId {
  return validate<VoucherItemId>(value, rules.voucherItemId, field);
}
export function serialNumber(value: unknown, field = 'serial_number'): SerialNumber {
  return validate<SerialNumber>(value, rules.serialNumber, field);
}
export function payToken(value: unknown, field = 'pay_token'): PayToken {
  return validate<PayToken>(value, rules.payToken, field);
}

export function isStoreUid(value: unknown): value is StoreUid {
  return problemOf(value, rules.storeUid) === undefined;
}
export function isAgentUid(value: unknown): value is AgentUid {
  return problemOf(value, rules.agentUid) === undefined;
}
export function isOrderId(value: unknown): value is OrderId {
  return problemOf(value, rules.orderId) === undefined;
}
export function isVoucherItemId(value: unknown): value is VoucherItemId {
  return problemOf(value, rules.voucherItemId) === undefined;
}
export function isSerialNumber(value: unknown): value is SerialNumber {
  return problemOf(value, rules.serialNumber) === undefined;
}
export function isPayToken(value: unknown): value is PayToken {
  return problemOf(value, rules.payToken) === undefined;
}

/** Limits in bytes, for schema and column definitions elsewhere (e.g. `varchar(50)`). */
export const identifierMaxBytes = {
  storeUid: rules.storeUid.maxBytes,
  agentUid: rules.agentUid.maxBytes,
  orderId: rules.orderId.maxBytes,
  voucherItemId: rules.voucherItemId.maxBytes,
  serialNumber: rules.serialNumber.maxBytes,
  payToken: rules.payToken.maxBytes,
} as const;
