import { RedemptionLineEntity } from '@tixclear/db';
import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';

export type NewRedemptionLine = Omit<RedemptionLineEntity, 'id' | 'createdAt'>;

/**
 * Writes redeemed vouchers in one multi-row insert. A line already written (the same outcome learnt twice:
 * our call's answer, a report, a query) is skipped by the unique (partner, serial) index, which is also the
 * last word against a double redemption.
 */
export async function insertRedemptionLines(
  tx: EntityManager,
  lines: readonly NewRedemptionLine[],
): Promise<void> {
  if (lines.length === 0) return;
  await tx
    .createQueryBuilder()
    .insert()
    .into(RedemptionLineEntity)
    // TypeORM's deep-partial type cannot express jsonb columns typed as objects; the shape is NewRedemptionLine.
    .values(lines as unknown as QueryDeepPartialEntity<RedemptionLineEntity>[])
    .orIgnore()
    .execute();
}
