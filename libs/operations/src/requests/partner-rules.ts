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
