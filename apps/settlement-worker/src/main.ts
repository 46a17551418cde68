import 'reflect-metadata';
import { createDataSource, PartnerRegistry, PartnerReportSettings } from '@tixclear/db';
import { createLogger } from '@tixclear/logging';
import { createOperations, gatewayPort, openJobQueue, QUEUES, queueDispatcher } from '@tixclear/operations';
import { createSettlement } from '@tixclear/settlement';
import { loadWorkerConfig, ConfigError } from './config/worker-config';
import { workSettlement } from './jobs/nightly-settlement';
import { reconcilePaymentsAfterRun } from './jobs/payments-reconciliation';
import { sweepPendingReports, workPartnerReports } from './jobs/partner-reports';
import { Registry } from 'prom-client';
import { watchAlerts } from './jobs/alerts';
import { serveMetrics } from './metrics-server';

/**
 * The settlement worker: runs nightly settlement, delivers partner reports, reconciles unknown gateway outcomes
 * every minute, sweeps the report outbox, and computes the alerts (gauges, webhook). Work comes from the
 * PostgreSQL-backed queue (pg-boss), so a restart loses none, and two
 * workers share it without doing anything twice.
 */
let config;
try {
  config = loadWorkerConfig();
} catch (error) {
  const log = createLogger({ name: 'settlement-worker' });
  if (error instanceof ConfigError) log.fatal(error.message);
  else log.fatal({ err: error }, 'start failed');
  process.exit(1);
}
const log = createLogger({ name: 'settlement-worker', level: config.logLevel });

const dataSource = createDataSource(config.databaseUrl, { extra: { max: 4 } });
let boss: Awaited<ReturnType<typeof openJobQueue>> | undefined = undefined;
let alerts: ReturnType<typeof watchAlerts> | undefined = undefined;
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  alerts?.stop();
  await boss?.stop({ graceful: true, timeout: 5_000 }).catch(() => undefined);
  if (dataSource.isInitialized) await dataSource.destroy();
  log.info('settlement-worker stopped');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());

await dataSource.initialize();
const queue = await openJobQueue(config.databaseUrl, 'worker', log);
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
  if (report.examined > 0) log.info({ report }, 'reconcile');
  // Gateway reports whose wake-up query failed are woken again; reports past their retention are purged.
  const reports = await operations.notifications.sweep();
  if (reports.purged + reports.woken > 0) log.info({ reports }, 'gateway reports swept');
});
await queue.work(QUEUES.sweepReports, { pollingIntervalSeconds: config.queuePollSeconds }, async () => {
  await sweepPendingReports(queue, dataSource, timing);
});
await workSettlement(queue, settlement, log, {
  pollingIntervalSeconds: config.queuePollSeconds,
  cron: config.settlementCron,
  reconcile: { dataSource, source: config.reconcileSource },
  payments: reconcilePaymentsAfterRun(dataSource, { gateway, partners: registry }, log),
});
await queue.schedule(QUEUES.reconcile, '* * * * *');
await queue.schedule(QUEUES.sweepReports, '* * * * *');
// Alerts: gauges in /metrics and the webhook (ALERT_WEBHOOK_URL), refreshed every ALERT_INTERVAL_SECONDS.
const metricsRegistry = new Registry();
alerts = watchAlerts(dataSource, {
  registry: metricsRegistry,
  intervalMs: config.alerts.intervalMs,
  thresholds: config.alerts.thresholds,
  ...(config.alerts.webhook ? { webhook: config.alerts.webhook } : {}),
  log,
});
if (config.metrics) {
  const { url } = await serveMetrics(config.metrics.port, config.metrics.host, metricsRegistry);
  log.info({ url }, 'metrics served');
}
log.info(
  { settlement_cron: config.settlementCron },
  'settlement-worker ready: partner reports, reconciliation, nightly settlement (Asia/Taipei)',
);
