import path from 'node:path';
import type { PartnerRegistry } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { loadChartOfAccounts, useChartOfAccounts, type ChartOfAccounts } from './chart/index';
import { ExportWriter } from './exports';
import { loadFeeBook, loadPayoutAccounts } from './loaders';
import { PayoutProcessor, type PayoffGatewayPort, type PayoutOptions } from './payouts';
import { SettlementRunner } from './settlement-runner';

export interface SettlementDeps {
  dataSource: DataSource;
  /** Opens the paying merchants' upstream key rings. */
  registry: PartnerRegistry;
  /** Gateway clients for a partner's upstream credentials (`gatewayPort` of `@tixclear/operations` fits). */
  gateway: PayoffGatewayPort;
  /** Where finance exports are written (a folder per period). */
  exportRoot: string;
  payouts?: PayoutOptions;
  /** The operator's chart of accounts; default: read from `TIXCLEAR_CHART_OF_ACCOUNTS` or config/ (checked now). */
  chart?: ChartOfAccounts;
}

/** The settlement engine wired together, for the worker, the `settle` command and the demo. */
export function createSettlement(deps: SettlementDeps) {
  // Checked at start: a bad chart stops the engine here with every problem named, not at the first export.
  useChartOfAccounts(deps.chart ?? loadChartOfAccounts());
  const payouts = new PayoutProcessor(
    deps.dataSource,
    { partners: deps.registry, gateway: deps.gateway },
    { operatorPayoutAccount: process.env.TIXCLEAR_OPERATOR_PAYOUT_ACCOUNT, ...deps.payouts },
  );
  const exports = new ExportWriter(deps.dataSource, path.resolve(deps.exportRoot));
  const runner = new SettlementRunner(deps.dataSource, {
    feeBook: () => loadFeeBook(deps.dataSource),
    payoutAccounts: () => loadPayoutAccounts(deps.dataSource),
    payouts,
    exports,
  });
  return { runner, payouts, exports };
}

export type Settlement = ReturnType<typeof createSettlement>;
