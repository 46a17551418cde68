import 'reflect-metadata';
import { createDataSource, PartnerRegistry, PartnerReportSettings } from '@tixclear/db';
import { createOperations, gatewayPort, openJobQueue, QUEUES, queueDispatcher } from '@tixclear/operations';
import { createSettlement } from '@tixclear/settlement';
import { loadWorkerConfig, ConfigError } from './config/worker-config';
import { workSettlement } from './jobs/nightly-settlement';
import { sweepPendingReports, workPartnerReports } from './jobs/partner-reports';

/**
 * The settlement worker: runs nightly settlement, delivers partner reports, reconciles unknown gateway outcomes
 * every minute, and sweeps the report outbox. Work comes from the PostgreSQL-backed queue (pg-boss), so a restart loses none, and two
 * workers share it without doing anything twice.
 */
let config;
try {
  config = loadWorkerConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

const dataSource = createDataSource(config.databaseUrl, { extra: { max: 4 } });
let boss: Awaited<ReturnType<typeof openJobQueue>> | undefined = undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await boss?.stop({ graceful: true, timeout: 5_000 }).catch(() => undefined);
  if (dataSource.isInitialized) await dataSource.destroy();
  console.log('settlement-worker stopped');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());

await dataSource.initialize();
const queue = await openJobQueue(config.databaseUrl, 'worker');
boss = queue;
const timing = { reportRetryDelaySeconds: config.reportRetryDelaySeconds };
const registry = new PartnerRegistry(dataSource, config.masterKey);
const gateway = gatewayPort({ baseUrl: config.gatewayUrl, timeoutMs: config.gatewayTimeoutMs });
const operations = createOperations({
  dataSource,
  registry,
  gateway,
  reports: queueDispatcher(queue, timing),
  notifications: { retentionDays: config.gatewayReportRetentionDays },
  reconciler: config.reconciler,
});
const settlement = createSettlement({ dataSource, registry, gateway, exportRoot: config.exportDir });

const reportUrls = { allowLoopbackHttp: config.reportUrlsAllowLoopback };
await workPartnerReports(queue, dataSource, config.queuePollSeconds, {
  signer: new PartnerReportSettings(dataSource, config.masterKey, reportUrls),
  reportUrls,
});
await queue.work(QUEUES.reconcile, { pollingIntervalSeconds: config.queuePollSeconds }, async () => {
  const report = await operations.reconciler.runOnce();
  if (report.examined > 0) console.log(`reconcile: ${JSON.stringify(report)}`);
  // Gateway reports whose wake-up query failed are woken again; reports past their retention are purged.
  const reports = await operations.notifications.sweep();
  if (reports.purged + reports.woken > 0) console.log(`gateway reports: ${JSON.stringify(reports)}`);
});
await queue.work(QUEUES.sweepReports, { pollingIntervalSeconds: config.queuePollSeconds }, async () => {
  await sweepPendingReports(queue, dataSource, timing);
});
await workSettlement(queue, settlement, {
  pollingIntervalSeconds: config.queuePollSeconds,
  cron: config.settlementCron,
});
await queue.schedule(QUEUES.reconcile, '* * * * *');
await queue.schedule(QUEUES.sweepReports, '* * * * *');
console.log(
  `settlement-worker ready: partner reports, reconciliation, nightly settlement (${config.settlementCron} Asia/Taipei)`,
);
