import { closePeriod, listPeriods, PeriodError, postCorrection } from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/**
 * `settle period …`: closing the books by month, and corrections.
 *   period                                             list the closed months: who closed each and when
 *   period close <YYYY-MM> [--note "…"] [--by NAME]    close a month: nothing posts into it afterwards
 *   period correct <entry id> --note "…" [--by NAME]   reverse an entry, in the open period, naming it
 * `--by` defaults to $USER. A refusal prints its code (and the field at fault) and exits 1.
 */
export async function periodCommand(
  dataSource: DataSource,
  args: readonly string[],
  options: { note?: string | undefined; by?: string | undefined },
  usage: (message: string) => Error,
): Promise<void> {
  const [action, subject] = args;
  const by = options.by ?? process.env.USER ?? '';
  try {
    switch (action) {
      case undefined:
      case 'list':
        console.table(await listPeriods(dataSource));
        return;
      case 'close':
        if (!subject) throw usage('period close <YYYY-MM> [--note "…"] [--by NAME]');
        console.log(await closePeriod(dataSource, subject, { by, note: options.note }));
        return;
      case 'correct':
        if (!subject) throw usage('period correct <entry id> --note "…" [--by NAME]');
        console.log(
          await postCorrection(dataSource, { correctsEntryId: subject, by, note: options.note ?? '' }),
        );
        return;
      default:
        throw usage(`unknown period command ${action}`);
    }
  } catch (error) {
    if (error instanceof PeriodError) {
      throw new Error(`${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}`);
    }
    throw error;
  }
}
