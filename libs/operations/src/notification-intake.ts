import { createHash } from 'node:crypto';
import type { CodeFamily } from '@tixclear/domain';
import { GatewayNotificationEntity, OperationEntity, type PartnerRegistry } from '@tixclear/db';
import { NotificationInvalidError, parseNotification, type Notification } from '@tixclear/gateway-client';
import type { DataSource, QueryDeepPartialEntity } from 'typeorm';
import { canonicalJson } from './request-hash';
import { classify } from './query-service';
import { unstorableField } from './storable';
import type { ResultApplier } from './result-applier';

export type IntakeOutcome =
  /** Stored durably (and applied when it could be): answer `8888`. */
  | { ack: true; outcome: 'applied' | 'duplicate' | 'unknown_order' | 'suspect' | 'not_applicable' }
  /** Unreadable or invalid: do not answer `8888`, so that the gateway sends it again. */
  | { ack: false; reason: string };

/** The widths of gateway_notifications.order_id and .code (GatewayNotificationEntity). */
const ORDER_ID_COLUMN = 64;
const CODE_COLUMN = 10;

const FAMILY: Partial<Record<Notification['kind'], CodeFamily>> = {
  purchase: 'purchase',
  redemption: 'redemption',
  refund: 'refund',
};

/**
 * The gateway's background reports (seed 000 / 001 §4): validated, stored before we acknowledge, then applied
 * to the operation they concern. Repeats are stored once (unique digest) and applying is idempotent; a report
 * older than what we know never moves a final state back (conditional updates from open states only).
 * Reports are unsigned, so one whose `uid`/`key` contradict what the gateway told us is kept as `suspect` and
 * not applied: the reconciler's query settles that operation instead.
 */
export class NotificationIntake {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: PartnerRegistry,
    private readonly results: ResultApplier,
  ) {}

  async receive(body: string, contentType: string | undefined): Promise<IntakeOutcome> {
    let notification: Notification;
    try {
      notification = parseNotification({ body, contentType });
    } catch (error) {
      if (error instanceof NotificationInvalidError) return { ack: false, reason: error.reason };
      // gateway-client's form reader recurses once per bracket level: a key nested past the stack
      // (`a[b][b]…` a hundred thousand times) overflows it. Junk, not our failure: refused like any other.
      if (error instanceof RangeError) return { ack: false, reason: 'unreadable_body' };
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
    const dedupeKey = createHash('sha256')
      .update(`${notification.kind}:${canonicalJson(fields)}`)
      .digest('hex');

    const stored = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(GatewayNotificationEntity)
      .values(<QueryDeepPartialEntity<GatewayNotificationEntity>>{
        dedupeKey,
        kind: notification.kind,
        orderId,
        code,
        payload: fields,
        outcome: null,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const fresh = (stored.raw as { id: string }[]).length > 0;

    const outcome = await this.apply(notification, orderId);
    await this.dataSource
      .getRepository(GatewayNotificationEntity)
      .update({ dedupeKey }, { outcome: fresh ? outcome : 'duplicate' });
    return { ack: true, outcome: fresh ? outcome : 'duplicate' };
  }

  private async apply(
    notification: Notification,
    upstreamOrderId: string | null,
  ): Promise<'applied' | 'unknown_order' | 'suspect' | 'not_applicable'> {
    const family = FAMILY[notification.kind];
    if (!family || !upstreamOrderId) return 'not_applicable';
    const operation = await this.dataSource.getRepository(OperationEntity).findOneBy({ upstreamOrderId });
    if (!operation) return 'unknown_order';
    const report = notification.report as Record<string, unknown> & {
      code: string;
      uid?: unknown;
      key?: unknown;
    };
    if (contradicts(operation.gatewayUid, report.uid) || contradicts(operation.gatewayKey, report.key))
      return 'suspect';
    const partner = await this.registry.contextById(operation.partnerId);
    if (!partner) return 'unknown_order';
    const wire = { ...notification.fields, order_id: operation.orderId };
    await this.results.apply(partner, operation, classify(family, report), wire);
    return 'applied';
  }
}

function contradicts(known: string | null, reported: unknown): boolean {
  if (known === null || (typeof reported !== 'string' && typeof reported !== 'number')) return false;
  return String(reported) !== known;
}
