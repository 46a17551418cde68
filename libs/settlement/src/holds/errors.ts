import { DomainError } from '@tixclear/domain';

/** Why an operator's command on a held line refused to act. One code per reason; never parse the message. */
export const HoldErrorCode = {
  /** No redemption line with that id was ever held by a run. */
  NotFound: 'HOLD_NOT_FOUND',
  /** The line is no longer held: a run cleared it, or it was settled outside. */
  NotOpen: 'HOLD_NOT_OPEN',
  /** Who acted and why are recorded with every action: both are required. */
  NoteRequired: 'HOLD_NOTE_REQUIRED',
  /** Re-clearing reads our record of the sale, and this line has none (not sold through us): settle it outside. */
  NoSaleRecord: 'HOLD_NO_SALE_RECORD',
  /** The gateway's split cannot be accepted: there is none, or it is not a split of the voucher's value. */
  GatewayFeeUnusable: 'HOLD_GATEWAY_FEE_UNUSABLE',
  /** A run is clearing right now: settling outside waits for it (it could clear the line meanwhile). */
  ClearingBusy: 'HOLD_CLEARING_BUSY',
} as const;
export type HoldErrorCode = (typeof HoldErrorCode)[keyof typeof HoldErrorCode];

export class HoldError extends DomainError {
  constructor(
    readonly code: HoldErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}
