import { SettlementRunEntity } from '@tixclear/db';
import type { FeeScheduleBook } from '@tixclear/fee-engine';
import type { DataSource } from 'typeorm';
import { refreshSnapshots, repairRangeIndexes } from './balances/index';
import { Clearing, clearAll } from './clearing/index';
import { closedThrough, PeriodError, PeriodErrorCode, periodRefusal } from './periods/index';
import { postTrustMovements } from './posting';
import { postExpiries } from './expiry';
import { postPayments } from './payments/index';
import { silentProgress, type ExportStep, type PayoutStep, type Progress } from './ports';
import { nextState, type RunState } from './run-states';

/**
 * The advisory lock held while a run clears, in the two-key form: the runs' own locks take one key (a hash of
 * the run id), and the two forms never meet, so no run id can hash onto this lock and wait on itself.
 */
export const CLEARING_LOCK = `hashtext('settlement'), hashtext('clearing')`;

export interface RunOptions {
  /** Lines per clearing transaction. */
  chunkSize?: number;
  /** Concurrent clearing loops (database connections); 2 suits a 2-core server. */
  lanes?: number;
  /** Wait between two pay-off advances while the gateway works; `0` returns at once with `waiting`. */
  payoutPollMs?: number;
  /** Give up waiting for the gateway after this long (the run stays `paying` and resumes later). */
  payoutWaitMs?: number;
  progress?: Progress;
}

export interface RunResult {
  run: SettlementRunEntity;
  /** `waiting` when pay-offs are still with the gateway: run again later to finish. */
  status: 'completed' | 'waiting';
}

/**
 * Runs settlement for a period as a persisted state machine: each step is idempotent and the run's `state`
 * moves only after its step is done, so a run killed anywhere is finished by running it again, with the same
 * ledger, batches and files as an uninterrupted one. A session advisory lock on the run keeps two workers from
 * running the same run at once (the other one returns and leaves it to the first).
 */
export class SettlementRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deps: {
      feeBook: () => Promise<FeeScheduleBook>;
      payoutAccounts: () => Promise<ReadonlyMap<string, string>>;
      payouts: PayoutStep;
      exports: ExportStep;
    },
  ) {}

  /** Finds or creates the run of a period (unique per period). */
  async openRun(periodStart: string, periodEnd: string): Promise<SettlementRunEntity> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SettlementRunEntity)
      .values({ periodStart, periodEnd, state: 'clearing', summary: {} })
      .orIgnore()
      .execute();
    return this.dataSource.getRepository(SettlementRunEntity).findOneByOrFail({ periodStart, periodEnd });
  }

  /**
   * Runs (or resumes) the settlement of a period. A period with a closed day is refused (`PERIOD_CLOSED`),
   * unless its run has posted already (a run paying out when the month closed finishes: its pay-offs post in
   * the open period). Any posting the database refuses as in a closed period fails the run with that code.
   */
  async run(periodStart: string, periodEnd: string, options: RunOptions = {}): Promise<RunResult | 'busy'> {
    await this.#refuseClosed(periodStart, periodEnd);
    const run = await this.openRun(periodStart, periodEnd);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        run.id,
      ])) as [{ locked: boolean }];
      if (!locked) return 'busy';
      try {
        return await this.#continue(run.id, options);
      } catch (error) {
        throw periodRefusal(error);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [run.id]);
      }
    } finally {
      await runner.release();
    }
  }

  async #refuseClosed(periodStart: string, periodEnd: string): Promise<void> {
    const through = await closedThrough(this.dataSource);
    if (through === null || periodStart > through) return;
    const existing = await this.dataSource
      .getRepository(SettlementRunEntity)
      .findOneBy({ periodStart, periodEnd });
    if (existing && existing.state !== 'clearing' && existing.state !== 'posting') return;
    throw new PeriodError(
      PeriodErrorCode.Closed,
      `the books are closed through ${through}: no run posts into ${periodStart}..${periodEnd}`,
      'period',
    );
  }

  async #continue(runId: string, options: RunOptions): Promise<RunResult> {
    const progress = options.progress ?? silentProgress;
    const repo = this.dataSource.getRepository(SettlementRunEntity);
    for (;;) {
      const run = await repo.findOneByOrFail({ id: runId });
      const state = run.state as RunState;
      switch (state) {
        case 'clearing':
          await this.#clear(run, options.chunkSize ?? 20_000, options.lanes ?? 2, progress);
          break;
        case 'posting':
          // The range indexes summarised over the night's clearing, and sound, before the night's reads of it
          // (src/balances/range-indexes.ts).
          for (const repair of await repairRangeIndexes(this.dataSource))
            progress.step(
              repair.rebuilt
                ? `rebuilt the range index ${repair.index}`
                : `left the range index ${repair.index} as it was: ${repair.error}`,
            );
          progress.step('posting purchases and refunds');
          await postTrustMovements(this.dataSource, run.id, run.periodEnd);
          await postExpiries(this.dataSource, run.id, run.periodEnd);
          await postPayments(this.dataSource, run.id, run.periodEnd);
          // The night's balance snapshot, once its postings are in (src/balances/: idempotent, all or nothing).
          await refreshSnapshots(this.dataSource);
          break;
        case 'batching':
          progress.step('building pay-off batches');
          await this.deps.payouts.build(run.id);
          break;
        case 'paying': {
          progress.step('paying out');
          if ((await this.#pay(run.id, options)) === 'waiting') return { run, status: 'waiting' };
          break;
        }
        case 'exporting':
          progress.step('exporting');
          await this.deps.exports.export(run.id);
          break;
        case 'completed':
          return { run, status: 'completed' };
      }
      await repo.update({ id: run.id, state }, { state: nextState(state) });
    }
  }

  async #clear(
    run: SettlementRunEntity,
    chunkSize: number,
    lanes: number,
    progress: Progress,
  ): Promise<void> {
    const clearing = new Clearing(
      this.dataSource,
      await this.deps.feeBook(),
      await this.deps.payoutAccounts(),
    );
    let total = 0;
    let done = 0;
    // One run clears at a time: runs of overlapping periods see the same uncleared lines, and a line cleared
    // by the other run between staging and writing would fail the chunk on the clearings' key.
    const lock = this.dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query(`SELECT pg_advisory_lock(${CLEARING_LOCK})`);
      await clearAll(clearing, run.id, run.periodEnd, {
        chunkSize,
        lanes,
        onStart: (toExamine) => {
          total = toExamine;
          progress.step('clearing', 0, total);
        },
        onChunk: (examined) => {
          done += examined;
          progress.step('clearing', done, total);
        },
      });
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(${CLEARING_LOCK})`).catch(() => undefined);
      await lock.release();
    }
  }

  async #pay(runId: string, options: RunOptions): Promise<'done' | 'waiting'> {
    const deadline = Date.now() + (options.payoutWaitMs ?? 60_000);
    for (;;) {
      const status = await this.deps.payouts.advance(runId);
      if (status === 'done') return 'done';
      const poll = options.payoutPollMs ?? 1_000;
      if (poll === 0 || Date.now() + poll > deadline) return 'waiting';
      await new Promise((resolve) => setTimeout(resolve, poll));
    }
  }
}
