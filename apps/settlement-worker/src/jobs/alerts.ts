import type { Logger } from '@tixclear/logging';
import {
  ALERT_KINDS,
  type AlertDelivery,
  type AlertThresholds,
  AlertWebhook,
  type AlertWebhookOptions,
  currentAlerts,
} from '@tixclear/operations';
import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

export interface AlertWatchOptions {
  registry: Registry;
  intervalMs: number;
  thresholds: AlertThresholds;
  webhook?: AlertWebhookOptions;
  log: Logger;
}

const SEVERITY_LEVEL = { warning: 1, critical: 2 } as const;

/**
 * Computes the alerts every `intervalMs` (libs/operations `currentAlerts`, aggregate reads only): sets the
 * `tixclear_alert_*` gauges of every kind (0 when clear) and tells the webhook of changes. Ticks never overlap
 * (the next is timed from the end of the last); a failed tick is logged and the next one tries again.
 */
export function watchAlerts(
  dataSource: DataSource,
  options: AlertWatchOptions,
): { tick: () => Promise<AlertDelivery[]>; stop: () => void } {
  const labelNames = ['kind'] as const;
  const count = new Gauge({
    name: 'tixclear_alert_count',
    help: 'Subjects of each alert kind in force (0: clear)',
    labelNames,
    registers: [options.registry],
  });
  const oldest = new Gauge({
    name: 'tixclear_alert_oldest_age_seconds',
    help: "Age of each alert kind's oldest subject, in seconds (0: clear)",
    labelNames,
    registers: [options.registry],
  });
  const severity = new Gauge({
    name: 'tixclear_alert_severity',
    help: 'Severity of each alert kind: 0 clear, 1 warning, 2 critical',
    labelNames,
    registers: [options.registry],
  });
  const webhook = options.webhook ? new AlertWebhook(options.webhook) : undefined;

  const tick = async (): Promise<AlertDelivery[]> => {
    const alerts = await currentAlerts(dataSource, options.thresholds);
    for (const kind of ALERT_KINDS) {
      const alert = alerts.find((candidate) => candidate.kind === kind);
      count.set({ kind }, alert?.count ?? 0);
      oldest.set({ kind }, alert?.oldest_age_seconds ?? 0);
      severity.set({ kind }, alert ? SEVERITY_LEVEL[alert.severity] : 0);
    }
    const deliveries = webhook ? await webhook.notify(alerts) : [];
    for (const delivery of deliveries)
      if (delivery.delivered) options.log.info({ alert: delivery }, 'alert webhook told');
      else options.log.warn({ alert: delivery }, 'alert webhook failed: told again at the next tick');
    return deliveries;
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      tick().then(
        () => schedule(),
        (error: unknown) => {
          options.log.error({ err: error }, 'alerts not computed');
          schedule();
        },
      );
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    tick,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
