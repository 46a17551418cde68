import { SHARING_SCALE } from '@tixclear/db';
import type { RequestOf } from '@tixclear/gateway-client';
import { OperationError, OperationErrorCode } from '../errors';

const SHARES = ['headquarters', 'sales', 'reimbursement'] as const;

/**
 * A sharing ratio is stored exactly or not at all: one with more decimals than its column keeps
 * (`SHARING_SCALE`) would be rounded on the way in, its three shares would then no longer sum to 1, and every
 * redemption of the voucher would be held by settlement for good. So the purchase is refused (`100`, the share
 * named) before anything is reserved or sent. The ratios arrive as canonical decimal text (no trailing zeros).
 */
export function requireStorableSharing(request: RequestOf<'voucherservicepurchase'>): void {
  for (const [index, item] of request.items.entries()) {
    for (const share of SHARES) {
      const decimals = item.sharing[share].split('.')[1]?.length ?? 0;
      if (decimals > SHARING_SCALE) {
        throw new OperationError(
          OperationErrorCode.RequestInvalid,
          `a sharing ratio has at most ${SHARING_SCALE} decimals`,
          `items[${index}].sharing.${share}`,
        );
      }
    }
  }
}
