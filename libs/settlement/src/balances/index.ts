export { BalancesError, BalancesErrorCode } from './errors';
export { findStrayLineRanges, repairLineRanges, type StrayRanges } from './line-ranges';
export { ENTRIES_POSTED_ON, linesOfEntries, nightRead, withIndexScans } from './night-lines';
export {
  balancesAsOf,
  balancesOver,
  currentBalancesAsOf,
  journalBalancesAsOf,
  refreshSnapshots,
  staleDays,
  type Balance,
  type BalanceGroup,
} from './snapshots';
