import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { twdColumn } from '../columns';

/**
 * A day an entry was posted on (its run's end date, else its own business date) and whether its snapshot is
 * current: `stale` from the first entry of that day the snapshot does not hold (set by a trigger on
 * `journal_entries`, migration BalanceSnapshots) until the snapshot is written again.
 */
@Entity({ name: 'balance_snapshot_days' })
export class BalanceSnapshotDayEntity {
  @PrimaryColumn({ name: 'posted_on', type: 'date', primaryKeyConstraintName: 'PK_balance_snapshot_days' })
  postedOn!: string;

  @Column({ type: 'boolean', default: true })
  stale!: boolean;

  @Column({ name: 'written_at', type: 'timestamptz', nullable: true })
  writtenAt!: Date | null;
}

/**
 * Every account, ledger and party posted by the end of a day: that day's debits and credits and the closing
 * balance after it (libs/settlement/src/balances).
 */
@Entity({ name: 'balance_snapshots' })
export class BalanceSnapshotEntity {
  @PrimaryColumn({ name: 'posted_on', type: 'date', primaryKeyConstraintName: 'PK_balance_snapshots' })
  @ForeignKey(() => BalanceSnapshotDayEntity, { name: 'balance_snapshots_day_fk' })
  postedOn!: string;

  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'PK_balance_snapshots' })
  account!: string;

  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'PK_balance_snapshots' })
  ledger!: string;

  @PrimaryColumn({ type: 'varchar', length: 120, primaryKeyConstraintName: 'PK_balance_snapshots' })
  party!: string;

  @Column({ type: 'bigint', transformer: twdColumn })
  debits!: number;

  @Column({ type: 'bigint', transformer: twdColumn })
  credits!: number;

  @Column({ type: 'bigint', transformer: twdColumn })
  closing!: number;
}
