export * from './errors';
export * from './types';
export {
  type ExactRatio,
  MAX_DECIMAL_PLACES,
  MAX_DECIMAL_TEXT_LENGTH,
  mulRoundHalfUp,
  parseRate,
  parseUnitDecimal,
} from './exact-decimal';
export {
  type CompiledFeeRates,
  type CompiledSharing,
  compileFeeRates,
  compileFeeRule,
  compileSharing,
  computeFees,
  FeeRule,
} from './fee-rule';
export { computeFeesReference } from './reference';
export { type FeeSchedule, FeeScheduleBook, isCalendarDate } from './schedule';
export { type FeeWireInput, feeInputFromWire, type WireDecimal } from './wire';
