import { OperationEntity, raiseOperatorItem, VoucherEntity } from '@tixclear/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { OperationRecorder } from '../records/operation-recorder';
import { recordReport } from '../reports/partner-outbox';
import type { Clock } from '../ports';
import type { OperationResolution } from './resolve-operation';

/** Final states in which the gateway did not take the operation (as we believed when we settled it). */
const FAILED_STATES: readonly string[] = ['failed', 'cancelled'];
/** Commands whose `succeeded` a later query can contradict (a purchase's later codes are its refunds). */
const CONTRADICTABLE_SUCCESS: readonly string[] = ['vouchertransaction', 'voucheroffline', 'voucherrefund'];

/** Whether a query's answer contradicts the final state we stored: a late outcome. */
export function isLateOutcome(
  operation: Pick<OperationEntity, 'command'>,
  state: string,
  resolution: OperationResolution,
): boolean {
  if (resolution.status === 'committed') return FAILED_STATES.includes(state);
  if (resolution.status === 'rejected')
    return state === 'succeeded' && CONTRADICTABLE_SUCCESS.includes(operation.command);
  return false;
}

/**
 * An outcome the gateway gives after we settled the operation the other way (a success after we declared it
 * failed, or the reverse). Nothing of it is written silently: it always raises a `late_outcome` operator item
 * carrying the gateway's record. The correcting entry is:
 * - a late refund success: posted. The operation becomes `succeeded`, its vouchers still `issued` become
 *   `refunded` (the trust posting then debits them, as for any refund), the partner gets a `refund_corrected`
 *   report; the item lists what moved.
 * - anything else (above all a late redemption success): the operator item only. No redemption lines, the
 *   vouchers and the operation stay as they are, so nothing becomes payable until a person acts.
 */
export class LateOutcomes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly recorder: OperationRecorder,
  ) {}

  async book(
    operation: OperationEntity,
    state: string,
    resolution: Exclude<OperationResolution, { status: 'not_found' }>,
    wire: Record<string, unknown> | undefined,
  ): Promise<void> {
    const gateway = wire ?? resolution.result;
    const details = {
      command: operation.command,
      order_id: operation.orderId,
      upstream_order_id: operation.upstreamOrderId,
      our_state: state,
      gateway_status: resolution.status,
      gateway,
    };
    if (
      operation.command === 'voucherrefund' &&
      resolution.status === 'committed' &&
      FAILED_STATES.includes(state)
    ) {
      const reportId = await this.dataSource.transaction(async (tx) => {
        const posted = await this.postRefund(tx, operation, resolution.result, gateway);
        await raiseOperatorItem(tx, {
          kind: 'late_outcome',
          reference: operation.id,
          partnerId: operation.partnerId,
          details: { ...details, action: posted ? 'refund_posted' : 'none', ...posted?.vouchers },
        });
        return posted?.reportId;
      });
      this.recorder.dispatch(reportId);
      return;
    }
    await raiseOperatorItem(this.dataSource.manager, {
      kind: 'late_outcome',
      reference: operation.id,
      partnerId: operation.partnerId,
      details: { ...details, action: 'none' },
    });
  }

  /** `failed → succeeded` (conditional: once), the request's still-issued vouchers refunded, the partner told. */
  private async postRefund(
    tx: EntityManager,
    operation: OperationEntity,
    result: Record<string, unknown> & { code: string },
    gateway: Record<string, unknown>,
  ): Promise<
    { reportId: string | undefined; vouchers: { refunded: string[]; not_refunded: string[] } } | undefined
  > {
    const body = { ...gateway, order_id: operation.orderId };
    const updated = await tx
      .createQueryBuilder()
      .update(OperationEntity)
      .set({
        state: 'succeeded',
        gatewayCode: result.code,
        // A uid/key we stored is never overwritten.
        gatewayUid: () => 'coalesce(gateway_uid, :uid)',
        gatewayKey: () => 'coalesce(gateway_key, :key)',
        response: body,
        completedAt: this.clock.now(),
      })
      .setParameters({ uid: textOrNull(result.uid), key: textOrNull(result.key) })
      .where('id = :id AND state IN (:...failed)', { id: operation.id, failed: FAILED_STATES })
      .execute();
    if (updated.affected !== 1) return undefined;
    const serials = requestSerials(operation);
    const moved = await tx
      .createQueryBuilder()
      .update(VoucherEntity)
      .set({ state: 'refunded', holderOperationId: operation.id })
      .where('partner_id = :p AND serial_number IN (:...serials) AND state = :issued', {
        p: operation.partnerId,
        serials: serials.length > 0 ? serials : [''],
        issued: 'issued',
      })
      .returning('serial_number')
      .execute();
    const refunded = (moved.raw as { serial_number: string }[]).map((r) => r.serial_number);
    const reportId = await recordReport(tx, {
      partnerId: operation.partnerId,
      operationId: operation.id,
      event: 'refund_corrected',
      payload: body,
    });
    return {
      reportId,
      vouchers: { refunded, not_refunded: serials.filter((s) => !refunded.includes(s)) },
    };
  }
}

function requestSerials(operation: OperationEntity): string[] {
  const items = (operation.request as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  return items
    .map((item) => (item as { serial_number?: unknown }).serial_number)
    .filter((s): s is string => typeof s === 'string');
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
