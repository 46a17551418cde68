import { feeBookOf, FeeScheduleEntity, PartnerEntity, PartnerPointEntity } from '@tixclear/db';
import type { FeeScheduleBook } from '@tixclear/fee-engine';
import { IsNull, Not, type DataSource } from 'typeorm';
import { headquartersParty, pointParty } from './accounts';

/** Every issuer's fee schedules, as the fee engine's book. */
export async function loadFeeBook(dataSource: DataSource): Promise<FeeScheduleBook> {
  return feeBookOf(await dataSource.getRepository(FeeScheduleEntity).find());
}

/**
 * Payout accounts by party: every point of a partner as its party (`<partner uid>:<kind>:<ref>`, pointParty),
 * `hq:<uid>` of paid-out headquarters. Keyed by partner, so two partners' points of one number never meet.
 */
export async function loadPayoutAccounts(dataSource: DataSource): Promise<Map<string, string>> {
  const accounts = new Map<string, string>();
  const partners = await dataSource.getRepository(PartnerEntity).find();
  const uidOf = new Map(partners.map((partner) => [partner.id, partner.partnerUid]));
  const points = await dataSource.getRepository(PartnerPointEntity).findBy({ payoutAccount: Not(IsNull()) });
  for (const point of points) {
    const partnerUid = uidOf.get(point.partnerId);
    if (point.payoutAccount && partnerUid !== undefined)
      accounts.set(pointParty(partnerUid, `${point.kind}:${point.pointRef}`), point.payoutAccount);
  }
  for (const partner of partners) {
    if (partner.headquartersPayoutAccount)
      accounts.set(headquartersParty(partner.partnerUid), partner.headquartersPayoutAccount);
  }
  return accounts;
}
