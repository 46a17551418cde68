import { OperationEntity, VoucherEntity } from '@tixclear/db';
import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { recordReport, type ReportDispatcher } from '../reports/partner-outbox';
import type { Clock } from '../ports';

/** States an operation is still open in (a report or a query may still settle it). */
export const OPEN_STATES = [
  'submitted',
  'outcome_unknown',
  'awaiting_payment',
  'expired',
  'paid_mismatch',
] as const;

export interface Completion {
  state: string;
  code: string;
  /** The answer stored for replay and reported to the partner. */
  body: Record<string, unknown>;
  gateway?: { uid?: string | null; key?: string | null };
  /** The partner report's event; none for a state that is not final. */
  report?: string;
  /** Whether `body` replaces the stored answer (a purchase keeps its first answer: the payment URL). */
  keepStoredAnswer?: boolean;
}

/**
 * Writes operation outcomes. Every write is a conditional UPDATE from the open states, so an outcome learnt
 * twice (our call's answer, the gateway's report, the reconciler's query, a duplicate report) is stored once,
 * and a final state is never overwritten by a later, older report.
 */
export class OperationRecorder {
  constructor(
    private readonly clock: Clock,
    private readonly reports: ReportDispatcher,
  ) {}

  /**
   * Settles the operation inside the outcome's transaction. Returns whether this call settled it (false: it was
   * already settled) and the id of the partner report it wrote, to hand to {@link dispatch} after the commit.
   */
  async complete(
    tx: EntityManager,
    operation: OperationEntity,
    completion: Completion,
  ): Promise<{ settled: boolean; reportId?: string }> {
    const final = completion.report !== undefined;
    const updated = await tx
      .createQueryBuilder()
      .update(OperationEntity)
      .set(<QueryDeepPartialEntity<OperationEntity>>{
        state: completion.state,
        gatewayCode: completion.code,
        // A uid/key already stored (the call's answer) is never overwritten: only the gateway's first word on
        // them counts, and one that disagrees is for an operator, not for us to replace.
        ...(completion.gateway?.uid ? { gatewayUid: () => 'coalesce(gateway_uid, :uid)' } : {}),
        ...(completion.gateway?.key ? { gatewayKey: () => 'coalesce(gateway_key, :key)' } : {}),
        ...(completion.keepStoredAnswer ? {} : { response: completion.body }),
        ...(final ? { completedAt: this.clock.now() } : {}),
      })
      .setParameters({ uid: completion.gateway?.uid ?? null, key: completion.gateway?.key ?? null })
      .where('id = :id AND state IN (:...open) AND state <> :to', {
        id: operation.id,
        open: OPEN_STATES,
        to: completion.state,
      })
      .execute();
    if (updated.affected !== 1) return { settled: false };
    if (!completion.report) return { settled: true };
    const reportId = await recordReport(tx, {
      partnerId: operation.partnerId,
      operationId: operation.id,
      event: completion.report,
      payload: completion.body,
    });
    return { settled: true, reportId };
  }

  /**
   * Hands committed reports to the delivery queue. Best effort by design: a report whose hand-over is lost
   * (crash, queue down) is still `pending` in the outbox, and the worker's sweep enqueues it.
   */
  dispatch(reportId: string | undefined): void {
    if (reportId) void this.reports.dispatch([reportId]).catch(() => undefined);
  }

  async markUnknown(
    tx: EntityManager,
    operation: OperationEntity,
    heldFrom: string,
    heldTo: string,
  ): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(VoucherEntity)
      .set({ state: heldTo })
      .where('holder_operation_id = :op AND state = :from', { op: operation.id, from: heldFrom })
      .execute();
    await tx
      .createQueryBuilder()
      .update(OperationEntity)
      .set({ state: 'outcome_unknown' })
      .where('id = :id AND state = :from', { id: operation.id, from: 'submitted' })
      .execute();
  }

  /** The call certainly never reached the gateway: remove every trace, so that the partner can simply retry. */
  async undoIntent(tx: EntityManager, operation: OperationEntity): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(VoucherEntity)
      .set({ state: 'issued', holderOperationId: null })
      .where('holder_operation_id = :op AND state IN (:...held)', {
        op: operation.id,
        held: ['redeeming', 'refunding'],
      })
      .execute();
    await tx.getRepository(VoucherEntity).delete({ purchaseOperationId: operation.id, state: 'reserved' });
    await tx.getRepository(OperationEntity).delete({ id: operation.id, state: 'submitted' });
  }
}
