import { FeeScheduleBook, type IssuanceLayer } from '@tixclear/fee-engine';
import type { FeeScheduleEntity } from './entities/fee-schedule.entity';

/** The fee engine's book of stored fee schedules (build it once per operation or run, not per voucher). */
export function feeBookOf(schedules: readonly FeeScheduleEntity[]): FeeScheduleBook {
  return new FeeScheduleBook(
    schedules.map((s) => ({
      issuerId: s.issuerId,
      effectiveFrom: s.effectiveFrom,
      escrowRate: s.escrowRate,
      gatewayRate: s.gatewayRate,
      issuanceFee: s.issuanceFee,
      issuanceLayer: s.issuanceLayer as IssuanceLayer,
    })),
  );
}
