import type { PartnerContext } from '@tixclear/db';
import { OperationError, OperationErrorCode } from '../errors';

/** Whether the partner registered this point (partner_points): its own stores and redemption points only. */
function hasPoint(partner: PartnerContext, kind: 'store' | 'dealer', ref: string): boolean {
  return partner.points.some((point) => point.kind === kind && point.pointRef === ref);
}

/**
 * The `store_uid` inside a request is one the partner speaks for: a store partner only for itself (the uid on
 * the envelope), a dealer (agent) only for the stores it registered (its `store` points).
 */
export function assertOwnStore(partner: PartnerContext, storeUid: string): void {
  const own =
    partner.partner.mode === 'store'
      ? storeUid === partner.partner.partnerUid
      : hasPoint(partner, 'store', storeUid);
  if (!own) {
    const why =
      partner.partner.mode === 'store' ? 'differs from the envelope' : "is not one of the agent's stores";
    throw new OperationError(OperationErrorCode.RequestInvalid, `store_uid ${why}`, 'store_uid');
  }
}

/**
 * The redemption point an offline request names (`reimbursement_from_type` 1: `reimbursement_store_uid`, 2:
 * `reimbursement_dealer_no`) is one of the partner's registered points, so its money goes to a payee of that
 * partner and no other. Checked before anything is recorded or sent.
 */
export function assertOwnRedemptionPoint(
  partner: PartnerContext,
  request: {
    reimbursement_from_type?: number | undefined;
    reimbursement_store_uid?: string | undefined;
    reimbursement_dealer_no?: string | undefined;
  },
): void {
  const dealer = request.reimbursement_from_type === 2;
  const field = dealer ? 'reimbursement_dealer_no' : 'reimbursement_store_uid';
  const ref = (dealer ? request.reimbursement_dealer_no : request.reimbursement_store_uid) ?? '';
  if (!hasPoint(partner, dealer ? 'dealer' : 'store', ref)) {
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `${field} is not one of the partner's registered points`,
      field,
    );
  }
}

/**
 * Who numbers a purchase's vouchers (docs/protocol.md §8). A partner in store mode may let the gateway number
 * them (`is_custom_serial` 0, a general customer's purchase): the gateway's serials are unique within its one
 * store, and so within the partner, as our records need them. A dealer speaks for several stores, whose gateway
 * serials may coincide: it sends its own (`is_custom_serial` 1), or the item is refused naming the field.
 */
export function assertSerialSource(
  partner: PartnerContext,
  request: { items: readonly { is_custom_serial: number }[] },
): void {
  if (partner.partner.mode === 'store') return;
  for (const [index, item] of request.items.entries()) {
    if (item.is_custom_serial !== 1) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        'a dealer partner must send its own serials (is_custom_serial 1)',
        `items[${index}].is_custom_serial`,
      );
    }
  }
}
