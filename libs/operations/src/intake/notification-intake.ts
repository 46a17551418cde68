import { createHash } from 'node:crypto';
import { GatewayNotificationEntity, OperationEntity } from '@tixclear/db';
import {
  NotificationInvalidError,
  parseNotification,
  type Notification,
  type NotificationErrorReason,
} from '@tixclear/gateway-client';
import type { DataSource } from 'typeorm';
import type { OperationWaker } from './operation-waker';
import type { EwalletBindings } from '../payments/ewallet-bindings';
import type { Clock } from '../ports';
import { canonicalJson } from '../requests/request-hash';
import { unstorableField } from '../requests/storable';

export type IntakeOutcome =
  /**
   * Answer `8888`: stored (and its operation woken), a repeat of a stored report, or counted without a row
   * (an order we do not know, a kind that names no operation of ours, more reports than one order keeps).
   */
  | { ack: true; outcome: 'stored' | 'duplicate' | 'unknown_order' | 'not_applicable' | 'excess' }
  /** Too large, unreadable or invalid: do not answer `8888`, so that the gateway sends it again. */
  | { ack: false; reason: RefusalReason };

/** Why a report is refused: over the size cap, not storable, or the parser's reason (unreadable, schema…). */
export type RefusalReason = 'too_large' | 'unstorable' | NotificationErrorReason;

export interface IntakeOptions {
  /** Largest report body read, in bytes (a report of a few hundred vouchers is some tens of KiB). */
  maxBodyBytes: number;
  /** Most reports kept for one order; further ones are counted only. */
  maxReportsPerOrder: number;
  /** Stored reports (and daily counts) older than this are purged by {@link NotificationIntake.sweep}. */
  retentionDays: number;
  /** A report still `pending` this long after it arrived is woken again by the sweep. */
  sweepAfterMs: number;
  /** Operations the sweep queries per run (one after another). */
  sweepBatch: number;
}

export const DEFAULT_INTAKE_OPTIONS: IntakeOptions = {
  maxBodyBytes: 64 * 1024,
  maxReportsPerOrder: 20,
  retentionDays: 90,
  sweepAfterMs: 60_000,
  sweepBatch: 50,
};

/** The widths of gateway_notifications.order_id and .code (GatewayNotificationEntity). */
const ORDER_ID_COLUMN = 64;
const CODE_COLUMN = 10;
/** Kinds that name an operation of ours by its upstream order id (`payment`: a PayPage order, api/orders). */
const OPERATION_KINDS: ReadonlySet<Notification['kind']> = new Set([
  'purchase',
  'redemption',
  'refund',
  'payment',
]);
const PURGE_CHUNK = 10_000;
/** First key of the two-key advisory locks that serialize one order's report inserts ('rprt'). */
const REPORT_LOCK_SPACE = 0x72707274;

/**
 * The gateway's background reports (seed 000 / 001 §4). They are unsigned, so a report is a hint, never an
 * authority: it is validated, stored (bounded) before we acknowledge it, and only WAKES the operation it names,
 * which our own authenticated query then settles (OperationWaker). No field of a report is ever applied.
 * Bounded: a body size cap, at most `maxReportsPerOrder` rows per order, reports for orders we do not know
 * counted per day (`gateway_report_counts`) rather than kept, and a retention period.
 */
export class NotificationIntake {
  constructor(
    private readonly dataSource: DataSource,
    private readonly waker: OperationWaker,
    private readonly clock: Clock,
    private readonly options: IntakeOptions = DEFAULT_INTAKE_OPTIONS,
    /** Where e-wallet binding reports are kept (they name no operation); without it they are counted only. */
    private readonly ewallet?: EwalletBindings,
  ) {}

  async receive(body: string, contentType: string | undefined): Promise<IntakeOutcome> {
    if (Buffer.byteLength(body, 'utf8') > this.options.maxBodyBytes)
      return { ack: false, reason: 'too_large' };
    let notification: Notification;
    try {
      notification = parseNotification({ body, contentType });
    } catch (error) {
      // A key nested past the form reader's bound is one of these too (unreadable_body).
      if (error instanceof NotificationInvalidError) return { ack: false, reason: error.reason };
      throw error;
    }
    const fields = notification.fields;
    const orderId = typeof fields.order_id === 'string' ? fields.order_id : null;
    const code =
      typeof fields.code === 'string' || typeof fields.code === 'number' ? String(fields.code) : null;
    // What the columns cannot hold cannot be ours (our order ids are 26 characters, the gateway's codes 5 at
    // most): refused, not a database error (a 500) after the fact.
    // (The reason names no field: it reaches a log line and the answer, and keys are the sender's text.)
    if (
      unstorableField(fields) !== undefined ||
      (orderId?.length ?? 0) > ORDER_ID_COLUMN ||
      (code?.length ?? 0) > CODE_COLUMN
    ) {
      return { ack: false, reason: 'unstorable' };
    }
    if (notification.kind === 'ewallet' && this.ewallet !== undefined) {
      const kept = await this.ewallet.record(fields);
      return kept === 'stored' ? { ack: true, outcome: 'stored' } : this.counted(notification.kind, kept);
    }
    if (!OPERATION_KINDS.has(notification.kind) || !orderId)
      return this.counted(notification.kind, 'not_applicable');
    const operation = await this.dataSource
      .getRepository(OperationEntity)
      .findOne({ select: { id: true }, where: { upstreamOrderId: orderId } });
    if (!operation) return this.counted(notification.kind, 'unknown_order');

    const dedupeKey = createHash('sha256')
      .update(`${notification.kind}:${canonicalJson(fields)}`)
      .digest('hex');
    // Stored while the order keeps fewer than its share. The order's reports are counted under a lock on the
    // order (its own transaction, so the count sees every report committed before it), so the cap is exact.
    const stored = await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REPORT_LOCK_SPACE, orderId]);
      return tx.query<{ id: string }[]>(
        `INSERT INTO gateway_notifications (dedupe_key, kind, order_id, code, payload, outcome)
         SELECT $1::varchar, $2::varchar, $3::varchar, $4::varchar, $5::jsonb, 'pending'
          WHERE (SELECT count(*) FROM gateway_notifications WHERE order_id = $3::varchar) < $6::int
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id`,
        [
          dedupeKey,
          notification.kind,
          orderId,
          code,
          JSON.stringify(fields),
          this.options.maxReportsPerOrder,
        ],
      );
    });
    if (stored.length === 0) {
      const repeat = await this.dataSource.getRepository(GatewayNotificationEntity).existsBy({ dedupeKey });
      // A repeat woke its operation when it was first stored (or waits, pending, for the sweep).
      return repeat ? { ack: true, outcome: 'duplicate' } : this.counted(notification.kind, 'excess');
    }
    this.waker.wake(operation.id);
    return { ack: true, outcome: 'stored' };
  }

  /**
   * The worker's periodic pass: purges reports and counts past the retention period, and wakes again the
   * operations whose reports are still `pending` (their query failed, or too many were in flight).
   */
  async sweep(): Promise<{ purged: number; woken: number }> {
    const now = this.clock.now().getTime();
    const purgeBefore = new Date(now - this.options.retentionDays * 86_400_000);
    let purged = 0;
    for (;;) {
      const [deleted] = await this.dataSource.query<{ n: number }[]>(
        `WITH gone AS (
           DELETE FROM gateway_notifications WHERE id IN (
             SELECT id FROM gateway_notifications WHERE received_at < $1 LIMIT ${PURGE_CHUNK})
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [purgeBefore],
      );
      purged += deleted?.n ?? 0;
      if ((deleted?.n ?? 0) < PURGE_CHUNK) break;
    }
    await this.dataSource.query(
      `DELETE FROM gateway_report_counts WHERE day < ($1::timestamptz AT TIME ZONE 'Asia/Taipei')::date`,
      [purgeBefore],
    );

    const waiting = await this.dataSource.query<{ id: string }[]>(
      `SELECT DISTINCT o.id FROM gateway_notifications n JOIN operations o ON o.upstream_order_id = n.order_id
        WHERE n.outcome = 'pending' AND n.received_at < $1
        LIMIT $2`,
      [new Date(now - this.options.sweepAfterMs), this.options.sweepBatch],
    );
    let woken = 0;
    for (const { id } of waiting) {
      const outcome = await this.waker.settle(id).catch(() => 'failed_to_ask' as const);
      if (outcome !== 'failed_to_ask') woken += 1;
    }
    return { purged, woken };
  }

  /** One more report of this kind and outcome today (Taiwan date), in one row per day, kind and outcome. */
  private async counted(
    kind: string,
    outcome: 'unknown_order' | 'not_applicable' | 'excess',
  ): Promise<IntakeOutcome> {
    await this.dataSource.query(
      `INSERT INTO gateway_report_counts (day, kind, outcome, count, last_at)
       VALUES (($1::timestamptz AT TIME ZONE 'Asia/Taipei')::date, $2, $3, 1, $1)
       ON CONFLICT (day, kind, outcome)
       DO UPDATE SET count = gateway_report_counts.count + 1, last_at = excluded.last_at`,
      [this.clock.now(), kind, outcome],
    );
    return { ack: true, outcome };
  }
}
