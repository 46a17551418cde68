import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  ensureSamplePartner,
  PartnerRegistry,
  SAMPLE_FEE_SCHEDULE,
  SAMPLE_PARTNER,
  type TestDatabase,
} from '@tixclear/db';
import { FeeScheduleBook } from '@tixclear/fee-engine';
import type { DataSource } from 'typeorm';
import { pointParty } from '../accounts';
import { clearAll, Clearing } from '../clearing/index';
import { writeSyntheticDay } from './synthetic-day';

/** The sample schedule as a fee book: what the sample partner's synthetic vouchers are cleared by. */
export const SAMPLE_BOOK = new FeeScheduleBook([SAMPLE_FEE_SCHEDULE]);
/** The one payout account the sample partner's synthetic vouchers need (its store), so none is held. */
export const SAMPLE_ACCOUNTS: ReadonlyMap<string, string> = new Map([
  [pointParty(SAMPLE_PARTNER.partnerUid, `store:${SAMPLE_PARTNER.partnerUid}`), 'payee-1'],
]);

/** A test database with the sample partner (its schedule and points), for specs: the database, the partner's id. */
export async function sampleDatabase(): Promise<{ db: TestDatabase; partnerId: string }> {
  const db = await createTestDatabase();
  const registry = new PartnerRegistry(db.dataSource, randomBytes(32));
  await ensureSamplePartner(registry);
  return { db, partnerId: (await registry.findByUid(SAMPLE_PARTNER.partnerUid))!.id };
}

/**
 * A night as a run's clearing step leaves it, for specs: `vouchers` synthetic vouchers of the sample partner
 * redeemed on `date` (every fourth a gift), cleared by a run of that day in chunks of `chunkSize` over two
 * lanes. Returns the run's id.
 */
export async function clearSampleNight(
  dataSource: DataSource,
  partnerId: string,
  date: string,
  vouchers: number,
  { chunkSize = 7, state = 'clearing' }: { chunkSize?: number; state?: string } = {},
): Promise<string> {
  await writeSyntheticDay(dataSource, { partnerId, businessDate: date, vouchers, giftEvery: 4 });
  const [run] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, $2, '{}') RETURNING id`,
    [date, state],
  );
  await clearAll(new Clearing(dataSource, SAMPLE_BOOK, SAMPLE_ACCOUNTS), run!.id, date, {
    chunkSize,
    lanes: 2,
  });
  return run!.id;
}
