import type { PartnerContext } from '@tixclear/db';
import { OperationError, OperationErrorCode } from './errors';

/** A store partner speaks for itself only: the `store_uid` inside must be the one on the envelope. */
export function assertOwnStore(partner: PartnerContext, storeUid: string): void {
  if (partner.partner.mode === 'store' && storeUid !== partner.partner.partnerUid) {
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      'store_uid differs from the envelope',
      'store_uid',
    );
  }
}
