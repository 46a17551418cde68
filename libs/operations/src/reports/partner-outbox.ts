import { PartnerNotificationEntity } from '@tixclear/db';
import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';

export interface PartnerReport {
  partnerId: string;
  operationId: string;
  /** `purchase`, `redemption`, `refund`. One report per operation and event (unique index). */
  event: string;
  payload: Record<string, unknown>;
}

/** Hands new reports to the delivery queue once their transaction has committed. */
export interface ReportDispatcher {
  dispatch(notificationIds: readonly string[]): Promise<void>;
}

export const noDispatch: ReportDispatcher = { dispatch: () => Promise.resolve() };

/**
 * The outbox of partner reports: a report is written in the same transaction as the outcome it reports, so no
 * final outcome goes unreported and none is reported twice (the unique index ignores a second write). Delivery
 * is the worker's (queue jobs, retried until the partner answers `8888`).
 */
export async function recordReport(tx: EntityManager, report: PartnerReport): Promise<string | undefined> {
  const result = await tx
    .createQueryBuilder()
    .insert()
    .into(PartnerNotificationEntity)
    .values(<QueryDeepPartialEntity<PartnerNotificationEntity>>{ ...report, state: 'pending', attempts: 0 })
    .orIgnore()
    .returning('id')
    .execute();
  return (result.raw as { id: string }[])[0]?.id;
}
