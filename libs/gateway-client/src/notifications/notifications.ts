import type { KeyRing } from '@tixclear/crypto';
import { DomainError } from '@tixclear/domain';
import { z } from 'zod';
import { orderState, type OrderState } from '../schemas/paypage-common';
import { redemptionState, type RedemptionState } from '../schemas/voucherquery';
import { refundState, type RefundState } from '../schemas/voucherrefundquery';
import { purchaseState, type PurchaseState } from '../schemas/voucherservicequery';
import { looseText } from '../schemas/common';
import { FormNestingError, parseFormBody } from '../wire/php-form';

/*
 * The gateway's background reports (背景通知): purchase (『購買票券交易回傳資訊』), redemption
 * (『票券核銷交易回傳資訊』), refund (『票券退款通知』), PayPage payment (交易完成/非即時交易/訂單確認回傳資訊),
 * e-wallet binding (『電子錢包虛擬卡號回傳資訊』). The seeds list their fields as plain fields of a POST, not
 * inside `encry_data`, and say nothing of encryption or signature: a report is NOT authenticated. Before acting
 * on one, compare its `uid`/`key` with those the command's answer gave us (the `key` is the 交易驗証碼, which
 * only the gateway and we know), or confirm by the matching query. A body that does carry `encry_data` is
 * opened with the key ring, in case the gateway starts encrypting.
 *
 * Answer `8888` only after the report is stored durably (the gateway retries 5 times, then e-mails people);
 * reports repeat, so storing must be idempotent.
 */

export const NOTIFICATION_ACK = '8888';

/** The HTTP answer that acknowledges a report. */
export function notificationAck(): {
  readonly status: 200;
  readonly headers: { readonly 'content-type': 'text/plain; charset=utf-8' };
  readonly body: typeof NOTIFICATION_ACK;
} {
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: NOTIFICATION_ACK };
}

/** 『電子錢包虛擬卡號回傳資訊』. */
export const ewalletReport = z.looseObject({
  pfn: looseText.optional(),
  cardno: looseText.optional(),
  user_id: z.string(),
  cellphone_code: looseText.optional(),
  cellphone: looseText.optional(),
  virtual_pan: z.string(),
  /** 0 off, 1 on. */
  enable: looseText.optional(),
});
export type EwalletReport = z.output<typeof ewalletReport>;

/**
 * The report schemas. Redemption and refund reports use the query-content schemas, which allow the empty date
 * and missing items of a failed operation.
 */
export const notificationSchemas = {
  purchase: purchaseState,
  redemption: redemptionState,
  refund: refundState,
  payment: orderState,
  ewallet: ewalletReport,
} as const;

export type NotificationKind = keyof typeof notificationSchemas;

export type Notification =
  | { readonly kind: 'purchase'; readonly report: PurchaseState; readonly fields: Record<string, unknown> }
  | {
      readonly kind: 'redemption';
      readonly report: RedemptionState;
      readonly fields: Record<string, unknown>;
    }
  | { readonly kind: 'refund'; readonly report: RefundState; readonly fields: Record<string, unknown> }
  | { readonly kind: 'payment'; readonly report: OrderState; readonly fields: Record<string, unknown> }
  | { readonly kind: 'ewallet'; readonly report: EwalletReport; readonly fields: Record<string, unknown> };

export type NotificationErrorReason = 'unreadable_body' | 'envelope' | 'unknown_kind' | 'schema_mismatch';

/** A report we cannot accept. Do not answer 8888: the gateway will send it again. */
export class NotificationInvalidError extends DomainError {
  readonly code = 'NOTIFICATION_INVALID';
  readonly reason: NotificationErrorReason;
  readonly issues: readonly { readonly field: string; readonly message: string }[];

  constructor(
    reason: NotificationErrorReason,
    message: string,
    issues: readonly { field: string; message: string }[] = [],
  ) {
    super(message, issues[0]?.field);
    this.reason = reason;
    this.issues = issues;
  }
}

/** Fields that hold structures; in a form body they may come as JSON text rather than bracketed keys. */
const STRUCTURED = new Set([
  'items',
  'invoice',
  'refund_order',
  'cancel_order',
  'invoice_allowance',
  'voucher_paid',
  'voucher_free',
]);

/** The report's fields from its body: JSON when it looks like JSON or says so, a form otherwise. */
export function readNotificationFields(body: string, contentType?: string): Record<string, unknown> {
  const trimmed = body.trim();
  const json = (contentType ?? '').toLowerCase().includes('json') || /^[[{]/.test(trimmed);
  let fields: unknown;
  if (json) {
    try {
      fields = JSON.parse(trimmed) as unknown;
    } catch {
      throw new NotificationInvalidError('unreadable_body', 'The report body is not valid JSON.');
    }
  } else {
    try {
      fields = parseFormBody(body);
    } catch (error) {
      if (error instanceof FormNestingError)
        throw new NotificationInvalidError('unreadable_body', 'The report body nests too deep.');
      throw error;
    }
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new NotificationInvalidError('unreadable_body', 'The report body is not an object.');
  }
  const record = fields as Record<string, unknown>;
  for (const key of STRUCTURED) {
    const value = record[key];
    if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
      try {
        record[key] = JSON.parse(value) as unknown;
      } catch {
        // Left as text: the schema will name the field.
      }
    }
  }
  return record;
}

/** Which report this is, from the fields that only it has. */
export function detectNotificationKind(fields: Record<string, unknown>): NotificationKind | undefined {
  const has = (key: string): boolean => fields[key] !== undefined;
  if (has('prc')) return 'payment';
  if (has('virtual_pan')) return 'ewallet';
  if (has('reimbursement_date')) return 'redemption';
  if (has('refund_date')) return 'refund';
  if (has('order_id') && has('code') && (has('finishtime') || has('actual_cost') || has('pfn')))
    return 'purchase';
  return undefined;
}

export interface ParseNotificationInput {
  readonly body: string;
  readonly contentType?: string;
  /** When the endpoint knows what it receives; otherwise detected. */
  readonly kind?: NotificationKind;
  /** To open a report that carries `encry_data` (not documented by the seeds; defensive). */
  readonly keyRing?: Pick<KeyRing, 'decryptJson'>;
  readonly at?: Date;
}

/** Reads, validates and normalises a report. Throws NotificationInvalidError; then do not acknowledge. */
export function parseNotification(input: ParseNotificationInput): Notification {
  let fields = readNotificationFields(input.body, input.contentType);
  if (typeof fields.encry_data === 'string' && input.keyRing !== undefined) {
    let opened: unknown;
    try {
      opened = input.keyRing.decryptJson(fields.encry_data, input.at ?? new Date()).value;
    } catch {
      throw new NotificationInvalidError('envelope', 'The report envelope cannot be opened.');
    }
    if (typeof opened !== 'object' || opened === null || Array.isArray(opened)) {
      throw new NotificationInvalidError('envelope', 'The report envelope does not hold an object.');
    }
    fields = opened as Record<string, unknown>;
  }
  const kind = input.kind ?? detectNotificationKind(fields);
  if (kind === undefined)
    throw new NotificationInvalidError('unknown_kind', 'The report is of no known kind.');
  const parsed = notificationSchemas[kind].safeParse(fields);
  if (!parsed.success) {
    throw new NotificationInvalidError(
      'schema_mismatch',
      `The ${kind} report does not match its schema.`,
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  }
  // The pairing of kind and report is guaranteed by notificationSchemas[kind]; TS cannot follow it through the
  // indexed access, hence the one assertion.
  return { kind, report: parsed.data, fields } as Notification;
}
