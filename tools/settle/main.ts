/**
 * `npm run settle -- …`: settlement by hand, on the database `npm start` uses (DATABASE_URL or the embedded one)
 * and the gateway of GATEWAY_URL (default: the local simulator on :4010).
 *
 *   --date 2026-11-20                      settle one Taiwan business date (default: yesterday in Taiwan)
 *   --chunk-size 20000                     vouchers cleared per transaction
 *   --wait-seconds 120                     how long to wait for the gateway's pay-offs before leaving the run
 *   --from 2026-11-01 --to 2026-11-20      catch up a range in one run
 *   exceptions                             list pay-off items that failed for good
 *   mismatch accept|refund <operation id>  a purchase paid with the wrong amount (290, an operator item):
 *                                          keep the money (vouchers issued) or refund it (voucherrefund)
 *   exceptions reinclude <item id>         pay it again in the next run (after its account is corrected)
 *   exceptions settle-outside <item id> --note "paid by bank transfer"
 *   parked retry <group id>                query a parked pay-off batch again (after looking at the gateway)
 *   redemption-mismatch redeemed|not-redeemed <operation id> <serial> [--by NAME]
 *                                          a voucher a redemption held and its answer left out: the gateway did
 *                                          redeem it (its line is written) or did not (it is freed)
 *   redemption-mismatch acknowledge <operation id>   close one whose vouchers are all decided
 *   holds                                  list redemption lines settlement holds, with the reason
 *   holds reclear <line id> --note "…" [--accept ours|gateway] [--by NAME]
 *                                          after a correction: split again from our record (or accept a split);
 *                                          the next run clears it
 *   holds settle-outside <line id> --note "…" [--by NAME]
 *                                          never cleared by a run; its value leaves the trust liability
 *   period                                 list the closed months (who closed each, when)
 *   period close 2026-11 [--note "…"] [--by NAME]
 *                                          close a month: nothing posts into it afterwards (PERIOD_CLOSED)
 *   period correct <entry id> --note "…" [--by NAME]
 *                                          reverse an entry in the open period, naming the one it corrects
 *   statement --partner <uid> --period 2026-11|2026-11-20 [--format csv|html] [--out file]
 *                                          a partner's statement for a month or a day: CSV (without --partner,
 *                                          every partner's), or a printable HTML page
 *   reconcile --date 2026-12-05 [--source statements:<dir>|simulator:<url>]
 *                                          the books against the gateway for that date (exit 1 on a difference)
 *   reconcile-payments --date 2026-12-05 [--max-queries 1000]
 *                                          that date's payments and refunds against the gateway's queryorder
 *                                          (at most that many queries; exit 1 on a difference or unchecked ones)
 *
 * A run resumes where it stood if it was interrupted; running a settled date again changes nothing.
 */
import path from 'node:path';
import { taiwanBusinessDate } from '@tixclear/domain';
import { createDataSource, ensureDatabase, PartnerRegistry } from '@tixclear/db';
import { createOperations, gatewayPort } from '@tixclear/operations';
import { createSettlement, listExceptions, summarizeRun, type PayoutProcessor } from '@tixclear/settlement';
import { REPO_ROOT, withDatabaseServer } from '../scripts/database';
import { resolveMasterKey } from '../scripts/master-key';
import { progressBar } from './progress-bar';
import { printSummary } from './print-summary';
import { holdsCommand } from './holds-command';
import { periodCommand } from './period-command';
import { redemptionMismatchCommand } from './redemption-mismatch-command';
import { reconcileCommand } from './reconcile-command';
import { reconcilePaymentsCommand } from './reconcile-payments-command';
import { statementCommand } from './statement-command';
import { cliArgs } from '../runtime/cli-args';

const { values, positionals } = cliArgs('settle', {
  allowPositionals: true,
  options: {
    date: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    note: { type: 'string' },
    by: { type: 'string' },
    accept: { type: 'string' },
    source: { type: 'string' },
    'max-queries': { type: 'string' },
    partner: { type: 'string' },
    period: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    'wait-seconds': { type: 'string', default: '120' },
    'chunk-size': { type: 'string', default: '20000' },
  },
});

class UsageError extends Error {}
const DATE = /^\d{4}-\d{2}-\d{2}$/;

try {
  await withDatabaseServer(async (serverUrl, appDatabase) => {
    const dataSource = await createDataSource(await ensureDatabase(serverUrl, appDatabase)).initialize();
    try {
      await dataSource.runMigrations();
      const settlement = createSettlement({
        dataSource,
        registry: new PartnerRegistry(dataSource, resolveMasterKey().key),
        gateway: gatewayPort({ baseUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4010/api/init' }),
        exportRoot: process.env.EXPORT_DIR ?? path.join(REPO_ROOT, 'exports'),
      });
      if (positionals[0] === 'mismatch') {
        const [action, operationId] = positionals.slice(1);
        if ((action !== 'accept' && action !== 'refund') || !operationId)
          throw new UsageError('mismatch accept|refund <operation id>');
        const operations = createOperations({
          dataSource,
          registry: new PartnerRegistry(dataSource, resolveMasterKey().key),
          gateway: gatewayPort({ baseUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4010/api/init' }),
        });
        console.log(await operations.paidMismatch[action](operationId, process.env.USER ?? 'operator'));
        return;
      }
      if (positionals[0] === 'exceptions') {
        await exceptions(dataSource, settlement.payouts, positionals.slice(1));
        return;
      }
      if (positionals[0] === 'redemption-mismatch') {
        const operations = createOperations({
          dataSource,
          registry: new PartnerRegistry(dataSource, resolveMasterKey().key),
          gateway: gatewayPort({ baseUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4010/api/init' }),
        });
        const by = values.by ?? process.env.USER ?? 'operator';
        const usage = (message: string) => new UsageError(message);
        console.log(await redemptionMismatchCommand(operations, positionals.slice(1), by, usage));
        return;
      }
      if (positionals[0] === 'holds') {
        await holdsCommand(dataSource, positionals.slice(1), values, (message) => new UsageError(message));
        return;
      }
      if (positionals[0] === 'reconcile') {
        const date = values.date ?? taiwanBusinessDate(new Date(Date.now() - 24 * 60 * 60 * 1000));
        process.exitCode = await reconcileCommand(dataSource, { date, source: values.source });
        return;
      }
      if (positionals[0] === 'reconcile-payments') {
        const date = values.date ?? taiwanBusinessDate(new Date(Date.now() - 24 * 60 * 60 * 1000));
        const deps = {
          gateway: gatewayPort({ baseUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4010/api/init' }),
          partners: new PartnerRegistry(dataSource, resolveMasterKey().key),
        };
        process.exitCode = await reconcilePaymentsCommand(dataSource, deps, {
          date,
          maxQueries: values['max-queries'],
        });
        return;
      }
      if (positionals[0] === 'statement') {
        if (positionals.length > 1) throw new UsageError(`unexpected ${positionals[1]}`);
        await statementCommand(dataSource, values, (message) => new UsageError(message));
        return;
      }
      if (positionals[0] === 'period') {
        await periodCommand(dataSource, positionals.slice(1), values, (message) => new UsageError(message));
        return;
      }
      if (positionals[0] === 'parked') {
        const [action, groupId] = positionals.slice(1);
        if (action !== 'retry' || !groupId) throw new UsageError('parked retry <group id>');
        console.log(await settlement.payouts.retryParkedBatch(groupId, process.env.USER ?? 'operator'));
        return;
      }
      if (positionals.length > 0) throw new UsageError(`unknown command ${positionals[0]}`);
      const [start, end] = period();
      const bar = progressBar();
      const result = await settlement.runner.run(start, end, {
        progress: bar,
        payoutWaitMs: Number(values['wait-seconds']) * 1000,
        chunkSize: Number(values['chunk-size']),
      });
      bar.end();
      if (result === 'busy') {
        console.log(`another worker is running the settlement of ${start}..${end}; nothing done here`);
        return;
      }
      printSummary(await summarizeRun(dataSource, result.run.id));
      if (result.status === 'waiting') {
        console.log(
          'pay-offs are still with the gateway (awaiting approval or remitting): run again to finish',
        );
      } else {
        const folder = end === start ? start : `${start}_${end}`;
        console.log(
          `exports: ${path.join(process.env.EXPORT_DIR ?? path.join(REPO_ROOT, 'exports'), folder)}`,
        );
      }
    } finally {
      await dataSource.destroy();
    }
  });
  // A command's exit status (reconcile, reconcile-payments) is left on process.exitCode: end with it here, where
  // it is still set (seen lost by the time the process exits on its own).
  if (process.exitCode) process.exit(process.exitCode);
} catch (error) {
  console.error(error instanceof Error ? `error: ${error.message}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
}

function period(): [string, string] {
  if (values.from || values.to) {
    if (
      !values.from ||
      !values.to ||
      !DATE.test(values.from) ||
      !DATE.test(values.to) ||
      values.from > values.to
    ) {
      throw new UsageError('--from and --to must both be YYYY-MM-DD dates, from ≤ to');
    }
    return [values.from, values.to];
  }
  const date = values.date ?? taiwanBusinessDate(new Date(Date.now() - 24 * 60 * 60 * 1000));
  if (!DATE.test(date)) throw new UsageError('--date must be YYYY-MM-DD');
  return [date, date];
}

async function exceptions(
  dataSource: Parameters<typeof listExceptions>[0],
  payouts: PayoutProcessor,
  args: string[],
): Promise<void> {
  const [action, itemId] = args;
  switch (action) {
    case undefined:
    case 'list':
      console.table(await listExceptions(dataSource));
      return;
    case 'reinclude':
      if (!itemId) throw new UsageError('exceptions reinclude <item id>');
      console.log(await payouts.reincludeException(itemId));
      return;
    case 'settle-outside':
      if (!itemId || !values.note) throw new UsageError('exceptions settle-outside <item id> --note "…"');
      console.log(await payouts.settleExceptionOutside(itemId, values.note));
      return;
    default:
      throw new UsageError(`unknown exceptions command ${action}`);
  }
}
