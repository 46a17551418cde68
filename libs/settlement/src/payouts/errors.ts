import { DomainError } from '@tixclear/domain';

/** Why a pay-off step or an operator command refused to go on. One code per reason; never parse the message. */
export const PayoutErrorCode = {
  /** No pay-off item with that gateway item id. */
  ItemNotFound: 'PAYOUT_ITEM_NOT_FOUND',
  /** The operator command needs an item in `exception` (it is in another state, or another command won). */
  ItemNotException: 'PAYOUT_ITEM_NOT_EXCEPTION',
  /** Settling outside the gateway needs a note saying how it was paid. */
  NoteRequired: 'PAYOUT_NOTE_REQUIRED',
  /** No pay-off batch with that group_id (operator commands). */
  BatchNotFound: 'PAYOUT_BATCH_NOT_FOUND',
  /** The operator's retry needs a `parked` batch. */
  BatchNotParked: 'PAYOUT_BATCH_NOT_PARKED',
  /** The gateway could not be asked, or its answer leaves the item's fate open: try again later. */
  GatewayUnsure: 'PAYOUT_GATEWAY_UNSURE',
  /** No partner speaks for the paying merchant, so there are no credentials to send its batch with. */
  NoMerchantCredentials: 'PAYOUT_NO_MERCHANT_CREDENTIALS',
  /** A batch or item row that is missing or holds a state its machine does not know: a bug or a bad edit. */
  RecordInvalid: 'PAYOUT_RECORD_INVALID',
  /** An item's payables do not add up to what it remitted, or one was already paid: nothing is posted. */
  PayablesMismatch: 'PAYOUT_PAYABLES_MISMATCH',
} as const;
export type PayoutErrorCode = (typeof PayoutErrorCode)[keyof typeof PayoutErrorCode];

export class PayoutError extends DomainError {
  constructor(
    readonly code: PayoutErrorCode,
    message: string,
    field?: string,
  ) {
    super(message, field);
  }
}
