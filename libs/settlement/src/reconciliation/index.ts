export {
  lookUpOperations,
  merchantsOf,
  ourOperation,
  readBooks,
  refundUidKey,
  type BookedMovement,
  type BooksDay,
  type OurOperation,
} from './books';
export { compareDay, type MerchantReconciliation, type ReconciliationDifference } from './compare';
export { ReconciliationError, ReconciliationErrorCode } from './errors';
export { formatReconciliation } from './format';
export * from './ports';
export { NO_MERCHANT, reconcileBooks, type ReconciliationResult } from './reconcile';
export { simulatorSource } from './simulator-source';
export { StatementError, statementDirectorySource, statementSchema } from './statement-source';
export { figuresSourceFrom } from './source-spec';
