import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MOVEMENT_KINDS, type GatewayDayFigures, type GatewayFiguresSource } from './ports';

/** The largest statement file read. */
export const MAX_STATEMENT_BYTES = 64 * 1024 * 1024;

const money = z.number().int().refine(Number.isSafeInteger, 'whole TWD');
const kind = z.enum(MOVEMENT_KINDS);

/** A day's statement of one merchant, as the operator imports it (see README: Production source). */
export const statementSchema = z
  .object({
    merchantUid: z.string().min(1).max(32),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    held: money,
    byKind: z
      .object({
        purchase_paid: money,
        redemption: money,
        refund: money,
        payoff_item: money,
        // A statement written before trust ends were compared has none.
        expiry: money.default(0),
      })
      .strict(),
    movements: z
      .array(z.object({ kind, reference: z.string().min(1).max(120), amount: money }).strict())
      .optional(),
  })
  .strict();

export class StatementError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/**
 * The production source: the gateway's daily merchant statement (what it holds for the merchant at the end of
 * the date, the date's money by kind and its operations), imported by the operator as
 * `<directory>/<merchant uid>/<YYYY-MM-DD>.json`. A missing file is "no figures yet" (the reconciliation says
 * so); a file that is not a statement of that merchant and date, or whose operations do not sum to its totals,
 * is refused whole.
 */
export function statementDirectorySource(directory: string): GatewayFiguresSource {
  const fileOf = (merchantUid: string, date: string) => {
    if (!/^[A-Za-z0-9]+$/.test(merchantUid) || !/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new StatementError(`${merchantUid}/${date}`, 'not a merchant uid and date');
    return path.join(path.resolve(directory), merchantUid, `${date}.json`);
  };
  return {
    describe: (merchantUid, date) => `statement ${JSON.stringify(`${merchantUid}/${date}.json`)}`,
    async dayFigures(merchantUid, date): Promise<GatewayDayFigures | undefined> {
      const file = fileOf(merchantUid, date);
      let text: string;
      try {
        // A statement is a day of one merchant: anything larger is not one, and is not read into memory.
        if ((await stat(file)).size > MAX_STATEMENT_BYTES)
          throw new StatementError(file, `is larger than ${MAX_STATEMENT_BYTES} bytes`);
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
      let parsed: z.infer<typeof statementSchema>;
      try {
        parsed = statementSchema.parse(JSON.parse(text));
      } catch (error) {
        throw new StatementError(
          file,
          `not a statement (${error instanceof Error ? error.message : 'invalid'})`,
        );
      }
      if (parsed.merchantUid !== merchantUid || parsed.date !== date)
        throw new StatementError(file, `is the statement of ${parsed.merchantUid} on ${parsed.date}`);
      if (parsed.movements !== undefined)
        for (const k of MOVEMENT_KINDS) {
          const sum = parsed.movements.filter((m) => m.kind === k).reduce((a, m) => a + m.amount, 0);
          if (sum !== parsed.byKind[k])
            throw new StatementError(
              file,
              `its ${k} operations sum to ${sum}, its total says ${parsed.byKind[k]}`,
            );
        }
      const figures: GatewayDayFigures = { ...parsed, byKind: { ...parsed.byKind } };
      if (parsed.movements === undefined) delete figures.movements;
      return figures;
    },
  };
}
