import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { businessDate } from '@tixclear/domain';
import type { DataSource } from 'typeorm';
import { LEDGERS } from '../accounts';
import type { ExportedFile, ExportStep } from '../ports';
import { csvHeader, csvLine, UTF8_BOM } from './csv';
import { ExportError, ExportErrorCode } from './errors';
import { LedgerRows, ledgerSpec } from './ledgers';
import { MANIFEST_NAME, manifestBytes } from './manifest';
import { OutputFile } from './output-file';
import { balancesOver, BalancesError, BalancesErrorCode, refreshSnapshots } from '../balances/index';
import {
  EXCEPTIONS_SQL,
  gatherPeriodLines,
  JOURNAL_SQL,
  LEDGER_LINES_SQL,
  PAYOUTS_SQL,
  PAYMENTS_LEDGER_SQL,
  runPeriod,
  streamRows,
} from './queries';
import { REDEMPTIONS_SQL, REFUNDS_SQL, SALES_SQL, TRUST_SQL } from './register-queries';
import {
  REDEMPTIONS_REGISTER,
  REFUNDS_REGISTER,
  registerRow,
  SALES_REGISTER,
  TRUST_REGISTER,
  TrustRows,
  type RegisterSpec,
} from './registers';
import { STATEMENT_TABLE, statementRows } from '../statements/statement-csv';
import { statementsOfPeriod } from '../statements/statement';
import { compareBytes, type Cell, type TableSpec } from './table';
import {
  EXCEPTIONS,
  exceptionRow,
  JOURNAL,
  journalRow,
  ledgerLine,
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
}

/**
 * Writes the finance exports of a period into `<root>/<start>[_<end>]/`. It reads no clock and makes no random
 * value: the files are a function of the database content and the period, so regenerating a period (a resumed
 * run, an operator's re-export) rewrites the same bytes, which `manifest.json` pins by SHA-256. Tables stream
 * from server-side cursors into the files, so memory stays flat for a day of a million vouchers.
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
    const table = async (spec: TableSpec, fill: (emit: Emit) => Promise<void>): Promise<void> => {
      const name = `${spec.name}.csv`;
      const started = performance.now();
      written.push({ name, file: await writeTable(spec, scratch(name), workbook, fill) });
      this.#onStep(spec.name, performance.now() - started);
    };
    const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      this.#onStep(step, performance.now() - started);
      return result;
    };
    try {
      await this.#withCurrentSnapshots(() =>
        this.dataSource.transaction('REPEATABLE READ', async (tx) => {
          // The balances first: a day still stale in this transaction's snapshot refuses before anything is read.
          const balances = await balancesOver(tx, period.start, period.end);
          await timed('lines', () => gatherPeriodLines(tx, period.start, period.end));
          // Checked before anything is written: a journal that does not balance leaves no files at all.
          const trialBalance = trialBalanceRows(balances);
          await mkdir(directory, { recursive: true });

          const params = [period.start, period.end];
          await table(JOURNAL, (emit) =>
            streamRows(tx, JOURNAL_SQL, [], (rows) => emit(rows.map(journalRow))),
          );
          for (const ledger of LEDGERS) {
            const openings = balances.filter((group) => group.ledger === ledger);
            const rows = new LedgerRows(
              openings.map((group) => ({ party: group.party, balance: group.opening })),
            );
            await table(ledgerSpec(ledger), async (emit) => {
              await streamRows(tx, LEDGER_LINES_SQL, [ledger], (lines) =>
                emit(lines.flatMap((line) => rows.add(ledgerLine(line)))),
              );
              await emit(rows.finish());
            });
          }
          await table(PAYOUTS, (emit) =>
            streamRows(tx, PAYOUTS_SQL, params, (rows) => emit(rows.map(payoutRow))),
          );
          await table(PAYMENTS_LEDGER, (emit) =>
            streamRows(tx, PAYMENTS_LEDGER_SQL, [], (rows) => emit(rows.map(paymentsRow))),
          );
          await table(EXCEPTIONS, (emit) =>
            streamRows(tx, EXCEPTIONS_SQL, params, (rows) => emit(rows.map(exceptionRow))),
          );
          await table(TRIAL_BALANCE, (emit) => emit(trialBalance));
          for (const [spec, sql] of [
            [REDEMPTIONS_REGISTER, REDEMPTIONS_SQL],
            [SALES_REGISTER, SALES_SQL],
            [REFUNDS_REGISTER, REFUNDS_SQL],
          ] as Array<[RegisterSpec, string]>) {
            await table(spec, (emit) =>
              streamRows(tx, sql, params, (rows) => emit(rows.map((row) => registerRow(spec, row)))),
            );
          }
          const trust = new TrustRows();
          await table(TRUST_REGISTER, async (emit) => {
            await streamRows(tx, TRUST_SQL, [period.end], (rows) =>
              emit(rows.flatMap((row) => trust.add(row))),
            );
            await emit(trust.finish());
          });
          // Every partner's statement, from this snapshot: they sum to the ledgers above.
          const statements = await statementsOfPeriod(
            tx,
            { label: directoryName(period), ...period },
            balances,
          );
          await table({ ...STATEMENT_TABLE, name: 'statements' }, (emit) =>
            emit(statements.flatMap(statementRows)),
          );
        }),
      );
      const xlsx = await OutputFile.create(scratch(XLSX_NAME));
      written.push({ name: XLSX_NAME, file: xlsx });
      await timed(XLSX_NAME, () => workbook.finish(xlsx));
      return await this.#publish(directory, period, written, scratch);
    } catch (error) {
      await workbook.discard();
      for (const { file } of written) await file.discard();
      throw error;
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

  /** Closes the files, writes the manifest, then moves each file over its old self (manifest last). */
  async #publish(
    directory: string,
    period: Period,
    written: readonly Written[],
    scratch: (name: string) => string,
  ): Promise<ExportResult> {
    const files: ExportedFile[] = [];
    for (const { name, file } of written) {
      const digest = await file.close();
      files.push({ name, sha256: digest.sha256, bytes: digest.bytes });
    }
    files.sort((a, b) => compareBytes(a.name, b.name));
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

/** One table into its CSV file (BOM, header, rows) and its sheet(s) of the workbook, as the rows come. */
async function writeTable(
  spec: TableSpec,
  csvPath: string,
  workbook: WorkbookWriter,
  fill: (emit: Emit) => Promise<void>,
): Promise<OutputFile> {
  const file = await OutputFile.create(csvPath);
  try {
    await file.write(Buffer.concat([UTF8_BOM, Buffer.from(csvHeader(spec), 'utf8')]));
    await workbook.beginTable(spec);
    await fill(async (rows) => {
      for (const row of rows) file.put(csvLine(row));
      await file.flush();
      await workbook.addRows(rows);
    });
    await workbook.endTable();
    return file;
  } catch (error) {
    await file.discard();
    throw error;
  }
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
