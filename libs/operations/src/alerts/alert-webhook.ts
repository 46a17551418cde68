import { randomUUID } from 'node:crypto';
import { signReport } from '../reports/report-signature';
import { readCapped } from '../reports/report-delivery';
import { ALERT_KINDS, type Alert, type AlertKind, type AlertSeverity } from './alerts';

export type AlertEvent = 'alert.appeared' | 'alert.changed' | 'alert.cleared';

export interface AlertWebhookOptions {
  /** Checked at start (checkReportUrl: https, or http to loopback in development). */
  url: URL;
  /** A `whsec_` secret (Standard Webhooks), read from ALERT_WEBHOOK_SECRET_FILE. */
  secret: string;
  timeoutMs?: number;
  /** Attempts per change within one tick; a change never delivered is tried again at the next tick. */
  attempts?: number;
  /** Wait before the second attempt; doubled for each further one. */
  backoffMs?: number;
  maxAnswerBytes?: number;
  fetch?: typeof fetch;
}

export interface AlertDelivery {
  event: AlertEvent;
  kind: AlertKind;
  severity: AlertSeverity | null;
  delivered: boolean;
  error?: string;
}

/**
 * Tells a receiver when an alert appears, changes severity or clears: one signed JSON POST per change, not one
 * per tick. What the receiver was told is remembered only once it acknowledged it (a 2xx), so a change whose
 * every attempt failed is sent again at the next tick. Redirects are never followed and at most
 * `maxAnswerBytes` of the answer is read (both failures), as for partner reports. The memory is the process's:
 * after a restart the alerts in force are announced again (a receiver drops repeats by kind and severity).
 */
export class AlertWebhook {
  private readonly told = new Map<AlertKind, AlertSeverity>();

  constructor(private readonly options: AlertWebhookOptions) {}

  async notify(alerts: readonly Alert[], now: Date = new Date()): Promise<AlertDelivery[]> {
    const deliveries: AlertDelivery[] = [];
    for (const kind of ALERT_KINDS) {
      const alert = alerts.find((candidate) => candidate.kind === kind);
      const before = this.told.get(kind);
      const severity = alert?.severity;
      if (before === severity) continue;
      const event: AlertEvent =
        before === undefined ? 'alert.appeared' : severity === undefined ? 'alert.cleared' : 'alert.changed';
      const body = JSON.stringify({
        type: event,
        timestamp: now.toISOString(),
        data: {
          kind,
          severity: severity ?? null,
          previous_severity: before ?? null,
          count: alert?.count ?? 0,
          oldest_age_seconds: alert?.oldest_age_seconds ?? 0,
          link: alert?.link ?? null,
        },
      });
      const error = await this.post(body);
      if (error === null) {
        if (severity === undefined) this.told.delete(kind);
        else this.told.set(kind, severity);
      }
      deliveries.push({
        event,
        kind,
        severity: severity ?? null,
        delivered: error === null,
        ...(error === null ? {} : { error }),
      });
    }
    return deliveries;
  }

  /** POSTs one change until a 2xx, with doubling waits; answers null when delivered, else the last error. */
  private async post(body: string): Promise<string | null> {
    const { attempts = 3, backoffMs = 1_000, timeoutMs = 10_000, maxAnswerBytes = 64 * 1024 } = this.options;
    // The same id on every attempt, so a receiver can drop a repeat.
    const id = `alert_${randomUUID()}`;
    let error = 'not attempted';
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      try {
        const response = await (this.options.fetch ?? fetch)(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signReport(id, Math.floor(Date.now() / 1000), body, [this.options.secret]),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await readCapped(response, maxAnswerBytes);
        if (response.status >= 300 && response.status < 400)
          error = `answered ${response.status}: redirects are not followed`;
        else if (text === null) error = `answered ${response.status} with more than the answer cap`;
        else if (response.status < 200 || response.status > 299) error = `answered ${response.status}`;
        else return null;
      } catch (cause) {
        error = cause instanceof Error ? `${cause.name}: ${cause.message}` : 'request failed';
      }
    }
    return error;
  }
}
