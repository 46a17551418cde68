import { FeeScheduleEntity, PartnerEntity, PartnerPointEntity } from '@tixclear/db';
import { FeeScheduleBook, type IssuanceLayer } from '@tixclear/fee-engine';
import { IsNull, Not, type DataSource } from 'typeorm';
import { headquartersParty } from './accounts';

/** Every issuer's fee schedules, as the fee engine's book. */
export async function loadFeeBook(dataSource: DataSource): Promise<FeeScheduleBook> {
  const schedules = await dataSource.getRepository(FeeScheduleEntity).find();
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

/** Payout accounts by party: `store:<uid>` / `dealer:<no>` of every point, `hq:<uid>` of paid-out headquarters. */
export async function loadPayoutAccounts(dataSource: DataSource): Promise<Map<string, string>> {
  const accounts = new Map<string, string>();
  const points = await dataSource.getRepository(PartnerPointEntity).findBy({ payoutAccount: Not(IsNull()) });
  for (const point of points)
    if (point.payoutAccount) accounts.set(`${point.kind}:${point.pointRef}`, point.payoutAccount);
  const partners = await dataSource
    .getRepository(PartnerEntity)
    .findBy({ headquartersPayoutAccount: Not(IsNull()) });
  for (const partner of partners) {
    if (partner.headquartersPayoutAccount)
      accounts.set(headquartersParty(partner.partnerUid), partner.headquartersPayoutAccount);
  }
  return accounts;
}
