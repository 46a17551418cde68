import { rm } from 'node:fs/promises';
import type { OutputFile } from './output-file';
import type { Cell, TableSpec } from './table';
import { MAX_SHEET_ROWS, packageParts, SHEET_END, sheetRow, sheetStart } from './xlsx';
import { DeflatedFile, writeZip, type DeflatedDigest, type ZipEntry } from './zip';

interface SheetFile {
  name: string;
  digest: DeflatedDigest;
}

/**
 * Streams tables into the sheets of one workbook: each sheet is deflated into a scratch file as its rows arrive
 * (memory stays flat however long the journal), then `finish` packs them, behind the package parts, into the ZIP.
 * A table longer than a sheet continues on `name (2)`, `name (3)`…, each starting with the header row.
 */
export class WorkbookWriter {
  readonly #sheets: SheetFile[] = [];
  #table: TableSpec | undefined;
  #current: { file: DeflatedFile; name: string; row: number } | undefined;
  #pages = 0;

  constructor(
    /** Scratch file path for the n-th sheet (1-based); the files are removed by `finish` and `discard`. */
    private readonly scratch: (sheet: number) => string,
    private readonly maxSheetRows = MAX_SHEET_ROWS,
  ) {}

  async beginTable(table: TableSpec): Promise<void> {
    this.#table = table;
    this.#pages = 0;
    await this.#openSheet();
  }

  async addRows(rows: ReadonlyArray<readonly Cell[]>): Promise<void> {
    for (const cells of rows) {
      let current = this.#current;
      if (!current) throw new Error('addRows outside a table');
      if (current.row === this.maxSheetRows) {
        await this.#closeSheet();
        current = await this.#openSheet();
      }
      current.row += 1;
      current.file.put(sheetRow(current.row, cells));
    }
    await this.#current?.file.flush();
  }

  async endTable(): Promise<void> {
    await this.#closeSheet();
    this.#table = undefined;
  }

  /** Writes the workbook to `out` (the caller closes it) and removes the scratch sheets. */
  async finish(out: OutputFile): Promise<void> {
    const entries: ZipEntry[] = [
      ...packageParts(this.#sheets.map((sheet) => sheet.name)),
      ...this.#sheets.map((sheet, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, ...sheet.digest })),
    ];
    try {
      await writeZip(out, entries);
    } finally {
      await this.discard();
    }
  }

  async discard(): Promise<void> {
    await this.#current?.file.discard();
    this.#current = undefined;
    for (const sheet of this.#sheets) await rm(sheet.digest.path, { force: true });
  }

  async #openSheet(): Promise<{ file: DeflatedFile; name: string; row: number }> {
    const table = this.#table;
    if (!table) throw new Error('no table');
    this.#pages += 1;
    const name = this.#pages === 1 ? table.name : `${table.name} (${this.#pages})`;
    const file = await DeflatedFile.create(this.scratch(this.#sheets.length + 1));
    file.put(sheetStart(table.columns));
    this.#current = { file, name, row: 1 };
    return this.#current;
  }

  async #closeSheet(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    current.file.put(SHEET_END);
    this.#sheets.push({ name: current.name, digest: await current.file.close() });
    this.#current = undefined;
  }
}
