import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { businessDate } from '@tixclear/domain';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { LEDGERS } from '../accounts';
import type { ExportedFile, ExportStep } from '../ports';
import { copyCsv } from './copy-out';
import { csvHeader, csvLine, UTF8_BOM } from './csv';
import { ExportError, ExportErrorCode } from './errors';
import { LEDGER_SUMMARY, ledgerBalances, ledgerCopySql, ledgerSpec } from './ledgers';
import { MANIFEST_NAME, manifestBytes } from './manifest';
import { OutputFile, type FileDigest } from './output-file';
import {
  balancesOver,
  BalancesError,
  BalancesErrorCode,
  nightRead,
  refreshSnapshots,
} from '../balances/index';
import {
  EXCEPTIONS_SQL,
  gatherLedgerLines,
  gatherOpenings,
  gatherPeriodLines,
  JOURNAL_COPY_SQL,
  PAYOUTS_SQL,
  PAYMENTS_LEDGER_SQL,
  runPeriod,
  streamRows,
  type Tx,
} from './queries';
import { REDEMPTIONS_SQL, REFUNDS_SQL, SALES_SQL } from './register-queries';
import {
  REDEMPTIONS_REGISTER,
  REFUNDS_REGISTER,
  registerCopySql,
  SALES_REGISTER,
  TRUST_COPY_SQL,
  TRUST_REGISTER,
} from './registers';
import { STATEMENT_TABLE, statementRows } from '../statements/statement-csv';
import { statementsOfPeriod } from '../statements/statement';
import { compareBytes, type Cell, type TableSpec } from './table';
import {
  EXCEPTIONS,
  exceptionRow,
  FILES,
  JOURNAL,
  PAYOUTS,
  payoutRow,
  PAYMENTS_LEDGER,
  paymentsRow,
  TRIAL_BALANCE,
  trialBalanceRows,
} from './tables';
import { WorkbookWriter } from './workbook';
import { MAX_SHEET_ROWS } from './xlsx';

/** `<repo>/exports` (git-ignored), resolved from this file so the working directory does not matter. */
export const DEFAULT_EXPORT_ROOT = path.resolve(import.meta.dirname, '../../../../exports');
export const XLSX_NAME = 'settlement.xlsx';

export interface Period {
  start: string;
  end: string;
}

export interface ExportResult {
  directory: string;
  period: Period;
  /** The data files by name, then `manifest.json` itself. */
  files: ExportedFile[];
}

export interface ExportWriterOptions {
  /** Rows per XLSX sheet before a table continues on the next sheet (Excel's limit; lower it in tests). */
  maxSheetRows?: number;
  /** Told each step's wall time as it ends (a table's name, `snapshots`, `lines`, `settlement.xlsx`): the bench. */
  onStep?: (step: string, milliseconds: number) => void;
}

/** Tells apart the scratch files of two exports of one period running in one process (never in the output). */
let exportsStarted = 0;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Written {
  name: string;
  file: OutputFile;
  /** Data rows (the header not counted). */
  rows: number;
}

interface Closed extends FileDigest {
  name: string;
  rows: number;
}

/** A table the server writes by COPY: its columns (the header) and its query. */
interface DetailTable {
  spec: TableSpec;
  sql: string;
  /** Reads tables of the whole history (the registers): run as a {@link nightRead}. */
  readsHistory?: true;
}

/**
 * Writes the finance exports of a period into `<root>/<start>[_<end>]/`. It reads no clock and makes no random
 * value: the files are a function of the database content and the period, so regenerating a period (a resumed
 * run, an operator's re-export) rewrites the same bytes, which `manifest.json` pins by SHA-256. The large
 * tables are printed by the server (COPY) straight into their files, two at a time on connections sharing one
 * snapshot; the small ones stream from cursors into their files and the workbook's sheets. Memory stays flat
 * for a day of a million vouchers.
 */
export class ExportWriter implements ExportStep {
  readonly #maxSheetRows: number;
  readonly #onStep: (step: string, milliseconds: number) => void;

  constructor(
    private readonly dataSource: DataSource,
    /** Where period directories are created. */
    private readonly root: string = DEFAULT_EXPORT_ROOT,
    options: ExportWriterOptions = {},
  ) {
    this.#maxSheetRows = options.maxSheetRows ?? MAX_SHEET_ROWS;
    this.#onStep = options.onStep ?? (() => undefined);
  }

  /** A run's export is the export of its period (see queries.ts: what a period holds). */
  async export(runId: string): Promise<ExportResult> {
    const period = UUID.test(runId) ? await runPeriod(this.dataSource, runId) : undefined;
    if (!period) throw new ExportError(ExportErrorCode.RunNotFound, `no settlement run ${runId}`, 'runId');
    return this.exportRange(period.start, period.end);
  }

  /** The export of what was posted from `from` to `to` (business dates, inclusive). */
  async exportRange(from: string, to: string): Promise<ExportResult> {
    const period = checkPeriod(from, to);
    const directory = path.join(this.root, directoryName(period));
    const tag = `${process.pid}-${++exportsStarted}`;
    // Hidden scratch files beside the final ones (same file system, so the final rename is atomic).
    const scratch = (name: string): string => path.join(directory, `.${name}.${tag}.tmp`);
    const written: Written[] = [];
    const workbook = new WorkbookWriter((sheet) => scratch(`sheet${sheet}.xml`), this.#maxSheetRows);
    const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      this.#onStep(step, performance.now() - started);
      return result;
    };
    /** A summary table: its CSV file and its sheet, written here. */
    const table = (spec: TableSpec, fill: (emit: Emit) => Promise<void>): Promise<void> =>
      timed(spec.name, async () => {
        const name = `${spec.name}.csv`;
        const file = await OutputFile.create(scratch(name));
        const entry: Written = { name, file, rows: 0 };
        written.push(entry);
        entry.rows = await writeTable(spec, file, workbook, fill);
      });
    /** A detail table: its CSV file only, written by the server (COPY). */
    const detail = (client: PoolClient, { spec, sql, readsHistory }: DetailTable): Promise<void> =>
      timed(spec.name, async () => {
        const name = `${spec.name}.csv`;
        const file = await OutputFile.create(scratch(name));
        const entry: Written = { name, file, rows: 0 };
        written.push(entry);
        await file.write(Buffer.concat([UTF8_BOM, Buffer.from(csvHeader(spec), 'utf8')]));
        const copy = () => copyCsv(client, sql, file);
        entry.rows = await (readsHistory ? nightRead(onClient(client), copy) : copy());
      });
    try {
      await this.#withCurrentSnapshots(() =>
        this.dataSource.transaction('REPEATABLE READ', async (tx) => {
          // The balances first: a day still stale in this transaction's snapshot refuses before anything is read.
          const balances = await balancesOver(tx, period.start, period.end);
          // Checked before anything is written: a journal that does not balance leaves no files at all.
          const trialBalance = trialBalanceRows(balances);
          const ledgers = ledgerBalances(balances);
          // The other connections read this transaction's snapshot: every table is of one instant.
          const [{ snapshot }] = await tx.query<[{ snapshot: string }]>(
            `SELECT pg_export_snapshot() AS snapshot`,
          );
          await mkdir(directory, { recursive: true });
          const dates = (sql: string, ...values: string[]): string => withDates(sql, values);
          // Tables read from the snapshot by any connection, the longest first.
          const queue: DetailTable[] = [
            {
              spec: REDEMPTIONS_REGISTER,
              sql: registerCopySql(REDEMPTIONS_REGISTER, dates(REDEMPTIONS_SQL, period.start, period.end)),
              readsHistory: true,
            },
            {
              spec: SALES_REGISTER,
              sql: registerCopySql(SALES_REGISTER, dates(SALES_SQL, period.start, period.end)),
              readsHistory: true,
            },
            { spec: TRUST_REGISTER, sql: dates(TRUST_COPY_SQL, period.end), readsHistory: true },
            {
              spec: REFUNDS_REGISTER,
              sql: registerCopySql(REFUNDS_REGISTER, dates(REFUNDS_SQL, period.start, period.end)),
              readsHistory: true,
            },
          ];
          const drain = async (client: PoolClient): Promise<void> => {
            for (let next = queue.shift(); next; next = queue.shift()) await detail(client, next);
          };
          // This connection: the period's lines (a temporary table only it sees), the summary tables and the
          // sheets, the journal, then whatever is left of the queue.
          const main = async (): Promise<void> => {
            await timed('lines', () => gatherPeriodLines(tx, period.start, period.end));
            const params = [period.start, period.end];
            await table(TRIAL_BALANCE, (emit) => emit(trialBalance));
            await sheet(workbook, LEDGER_SUMMARY, ledgers.rows);
            await table(PAYOUTS, (emit) =>
              streamRows(tx, PAYOUTS_SQL, params, (rows) => emit(rows.map(payoutRow))),
            );
            await table(PAYMENTS_LEDGER, (emit) =>
              streamRows(tx, PAYMENTS_LEDGER_SQL, [], (rows) => emit(rows.map(paymentsRow))),
            );
            await table(EXCEPTIONS, (emit) =>
              streamRows(tx, EXCEPTIONS_SQL, params, (rows) => emit(rows.map(exceptionRow))),
            );
            // Every partner's statement, from this snapshot: they sum to the ledgers above.
            const statements = await statementsOfPeriod(
              tx,
              { label: directoryName(period), ...period },
              balances,
            );
            await table({ ...STATEMENT_TABLE, name: 'statements' }, (emit) =>
              emit(statements.flatMap(statementRows)),
            );
            const client = await clientOf(tx);
            await detail(client, { spec: JOURNAL, sql: JOURNAL_COPY_SQL });
            await drain(client);
          };
          // The second connection: its own copy of the ledgers' lines (the lines with a ledger, under half of
          // them) and their openings, the three ledgers, then the queue. The journal's sort and the ledgers'
          // then run side by side, at the cost of gathering the ledgers' lines twice.
          const second = async (client: PoolClient): Promise<void> => {
            await timed('ledger lines', () => gatherLedgerLines(onClient(client), period.start, period.end));
            await gatherOpenings(onClient(client), ledgers.openings);
            for (const ledger of LEDGERS) {
              await detail(client, {
                spec: ledgerSpec(ledger),
                sql: ledgerCopySql(ledger, ledgers.totals[ledger]),
              });
            }
            await drain(client);
          };
          const lanes = [main(), this.#inSnapshot(snapshot, second)];
          // Every lane ends before the transaction does (its snapshot must outlive them), failed or not.
          const failed = (await Promise.allSettled(lanes)).find((lane) => lane.status === 'rejected');
          if (failed) throw failed.reason;
        }),
      );
      const files: Closed[] = [];
      for (const { name, file, rows } of written) files.push({ name, rows, ...(await file.close()) });
      files.sort((a, b) => compareBytes(a.name, b.name));
      await sheet(
        workbook,
        FILES,
        files.map(({ name, rows, bytes, sha256 }) => [name, rows, bytes, sha256]),
      );
      const xlsx = await OutputFile.create(scratch(XLSX_NAME));
      written.push({ name: XLSX_NAME, file: xlsx, rows: 0 });
      await timed(XLSX_NAME, () => workbook.finish(xlsx));
      files.push({ name: XLSX_NAME, rows: 0, ...(await xlsx.close()) });
      return await this.#publish(directory, period, files, scratch);
    } catch (error) {
      await workbook.discard();
      for (const { file } of written) await file.discard();
      throw error;
    }
  }

  /**
   * Runs `work` on a connection of its own, in a transaction on the export's snapshot (`SET TRANSACTION
   * SNAPSHOT`): it sees exactly what the export's transaction sees (but its temporary tables). It writes only
   * temporary tables of its own (not READ ONLY, which refuses even those), and is rolled back.
   */
  async #inSnapshot(snapshot: string, work: (client: PoolClient) => Promise<void>): Promise<void> {
    if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`);
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      await work(client);
      await client.query('ROLLBACK');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Brings the balance snapshots up to date, then runs `read`; a writer that posted in between (its day stale
   * again in the read's snapshot: `BALANCES_STALE`, before any file is written) makes it try again.
   */
  async #withCurrentSnapshots(read: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      await refreshSnapshots(this.dataSource);
      this.#onStep('snapshots', performance.now() - started);
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof BalancesError) || error.code !== BalancesErrorCode.Stale || attempt >= 3)
          throw error;
      }
    }
  }

  /** Writes the manifest of the closed files, then moves each file over its old self (manifest last). */
  async #publish(
    directory: string,
    period: Period,
    closed: readonly Closed[],
    scratch: (name: string) => string,
  ): Promise<ExportResult> {
    const files: ExportedFile[] = closed
      .map(({ name, sha256, bytes }) => ({ name, sha256, bytes }))
      .sort((a, b) => compareBytes(a.name, b.name));
    const manifest = await OutputFile.create(scratch(MANIFEST_NAME));
    await manifest.write(manifestBytes(period, files));
    const digest = await manifest.close();
    for (const { name } of files) await rename(scratch(name), path.join(directory, name));
    await rename(scratch(MANIFEST_NAME), path.join(directory, MANIFEST_NAME));
    return {
      directory,
      period,
      files: [...files, { name: MANIFEST_NAME, sha256: digest.sha256, bytes: digest.bytes }],
    };
  }
}

type Emit = (rows: Cell[][]) => Promise<void>;

/** A summary table into its CSV file (BOM, header, rows) and its sheet(s) of the workbook; returns its rows. */
async function writeTable(
  spec: TableSpec,
  file: OutputFile,
  workbook: WorkbookWriter,
  fill: (emit: Emit) => Promise<void>,
): Promise<number> {
  let count = 0;
  await file.write(Buffer.concat([UTF8_BOM, Buffer.from(csvHeader(spec), 'utf8')]));
  await workbook.beginTable(spec);
  await fill(async (rows) => {
    for (const row of rows) file.put(csvLine(row));
    count += rows.length;
    await file.flush();
    await workbook.addRows(rows);
  });
  await workbook.endTable();
  return count;
}

/** A sheet of the workbook with no CSV file beside it. */
async function sheet(workbook: WorkbookWriter, spec: TableSpec, rows: Cell[][]): Promise<void> {
  await workbook.beginTable(spec);
  await workbook.addRows(rows);
  await workbook.endTable();
}

/** A pooled connection as the queries' `Tx`. */
function onClient(client: PoolClient): Tx {
  return {
    query: async <T>(sql: string, parameters?: unknown[]): Promise<T> =>
      (await client.query(sql, parameters)).rows as T,
  };
}

/** The connection of a TypeORM transaction, for COPY. */
async function clientOf(tx: EntityManager): Promise<PoolClient> {
  if (!tx.queryRunner) throw new Error('no transaction');
  return (await tx.queryRunner.connect()) as PoolClient;
}

/**
 * `$1`, `$2`… of a query replaced by date literals (COPY takes no parameters); the dates are checked
 * business dates (`checkPeriod`), so the literal cannot be anything but a date.
 */
function withDates(sql: string, dates: readonly string[]): string {
  return sql.replace(/\$(\d+)\b/g, (_, n: string) => {
    const date = dates[Number(n) - 1];
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`no date for $${n}`);
    return `'${date}'`;
  });
}

function checkPeriod(from: string, to: string): Period {
  const start = businessDate(from, 'from');
  const end = businessDate(to, 'to');
  if (end < start) throw new ExportError(ExportErrorCode.PeriodInvalid, 'period ends before it starts', 'to');
  return { start, end };
}

/** `2026-11-20` for a day, `2026-11-20_2026-11-23` for a range. */
export function directoryName(period: Period): string {
  return period.start === period.end ? period.start : `${period.start}_${period.end}`;
}
