import { HoldError, listHolds, reclearHold, settleHoldOutside } from '@tixclear/settlement';
import type { DataSource } from 'typeorm';

/**
 * `settle holds …`: the operator's actions on lines settlement holds.
 *   holds                                                     list them, with the latest reason
 *   holds reclear <line id> --note "…" [--accept ours|gateway] [--by NAME]
 *   holds settle-outside <line id> --note "…" [--by NAME]
 * `--by` defaults to $USER. A refusal prints its code (and the field at fault) and exits 1.
 */
export async function holdsCommand(
  dataSource: DataSource,
  args: readonly string[],
  options: { note?: string | undefined; by?: string | undefined; accept?: string | undefined },
  usage: (message: string) => Error,
): Promise<void> {
  const [action, lineId] = args;
  const actor = { by: options.by ?? process.env.USER ?? '', note: options.note ?? '' };
  try {
    switch (action) {
      case undefined:
      case 'list':
        console.table(await listHolds(dataSource));
        return;
      case 'reclear': {
        const accept = options.accept;
        if (!lineId || (accept !== undefined && accept !== 'ours' && accept !== 'gateway'))
          throw usage('holds reclear <line id> --note "…" [--accept ours|gateway] [--by NAME]');
        console.log(await reclearHold(dataSource, lineId, actor, accept));
        return;
      }
      case 'settle-outside':
        if (!lineId) throw usage('holds settle-outside <line id> --note "…" [--by NAME]');
        console.log(await settleHoldOutside(dataSource, lineId, actor));
        return;
      default:
        throw usage(`unknown holds command ${action}`);
    }
  } catch (error) {
    if (error instanceof HoldError) {
      throw new Error(`${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}`);
    }
    throw error;
  }
}
