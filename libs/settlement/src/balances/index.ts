export { BalancesError, BalancesErrorCode } from './errors';
export {
  findStrayRanges,
  repairRangeIndexes,
  type RangeIndexRepair,
  type StrayRanges,
} from './range-indexes';
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
