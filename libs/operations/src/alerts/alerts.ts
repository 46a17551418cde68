import type { DataSource } from 'typeorm';

/** What an alert is about; each is a gauge pair in `/metrics` and a line in the console. */
export const ALERT_KINDS = [
  'late_outcome',
  'payout_batch_parked',
  'stale_exceptions',
  'clearing_backlog',
  'partner_reports_failing',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'warning' | 'critical';

export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  count: number;
  /** Seconds since the oldest subject appeared. */
  oldest_age_seconds: number;
  /** Where an operator acts: the console's exception queue filtered by `operator_item_kind`, or a page. */
  link: { page: 'exceptions' | 'settlement' | 'reports'; operator_item_kind?: string };
}

export interface AlertThresholds {
  /** An open operator item older than this is a stale exception (warning). */
  staleExceptionHours: number;
  /** ... and critical past this. */
  staleExceptionCriticalHours: number;
  /** Unreleased lines in the clearing backlog from this many on (warning). */
  backlogWarnCount: number;
  /** ... and critical from this many on. */
  backlogCriticalCount: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  staleExceptionHours: 24,
  staleExceptionCriticalHours: 72,
  backlogWarnCount: 1,
  backlogCriticalCount: 1_000,
};

interface Aggregate {
  kind: string;
  count: string;
  oldest: Date | null;
  stale: string;
}

/**
 * The alerts in force, from three aggregate reads in parallel (open operator items by kind, the unreleased clearing
 * backlog, partner reports failing): no journal or ledger is read. Only alerts with a count above zero are
 * returned, in ALERT_KINDS order. Pure reads; safe from any process at any time.
 */
export async function currentAlerts(
  dataSource: DataSource,
  thresholds: AlertThresholds = DEFAULT_ALERT_THRESHOLDS,
  now: Date = new Date(),
): Promise<Alert[]> {
  const staleBefore = new Date(now.getTime() - thresholds.staleExceptionHours * 3_600_000);
  const [items, [backlog], [reports]] = await Promise.all([
    // operator_items_state_idx (state, created_at) serves the open rows.
    dataSource.query<Aggregate[]>(
      `SELECT kind, count(*) AS count, min(created_at) AS oldest,
              count(*) FILTER (WHERE created_at < $1) AS stale
         FROM operator_items WHERE state = 'open' GROUP BY kind`,
      [staleBefore],
    ),
    dataSource.query<{ count: string; oldest: Date | null }[]>(
      `SELECT count(*) AS count, min(l.created_at) AS oldest FROM clearing_backlog b
         JOIN redemption_lines l ON l.id = b.redemption_line_id
        WHERE b.released_at IS NULL`,
    ),
    dataSource.query<{ count: string; flagged: string; oldest: Date | null }[]>(
      `SELECT count(*) AS count, count(*) FILTER (WHERE state = 'flagged') AS flagged, min(created_at) AS oldest
         FROM partner_notifications WHERE state = 'flagged' OR (state = 'pending' AND attempts > 0)`,
    ),
  ]);
  const age = (oldest: Date | null) =>
    oldest ? Math.max(0, Math.floor((now.getTime() - new Date(oldest).getTime()) / 1000)) : 0;
  const alerts: Alert[] = [];
  for (const kind of ['late_outcome', 'payout_batch_parked'] as const) {
    const row = items.find((item) => item.kind === kind);
    if (row && Number(row.count) > 0)
      alerts.push({
        kind,
        severity: 'critical',
        count: Number(row.count),
        oldest_age_seconds: age(row.oldest),
        link: { page: 'exceptions', operator_item_kind: kind },
      });
  }
  // Stale: every open item past the threshold, whatever its kind (late outcomes and parked batches included).
  const stale = items.filter((item) => Number(item.stale) > 0);
  if (stale.length > 0) {
    const oldest = Math.min(...stale.map((item) => new Date(item.oldest!).getTime()));
    const oldestAge = age(new Date(oldest));
    alerts.push({
      kind: 'stale_exceptions',
      severity: oldestAge >= thresholds.staleExceptionCriticalHours * 3_600 ? 'critical' : 'warning',
      count: stale.reduce((sum, item) => sum + Number(item.stale), 0),
      oldest_age_seconds: oldestAge,
      link: { page: 'exceptions' },
    });
  }
  const backlogCount = Number(backlog?.count ?? 0);
  if (backlogCount >= Math.max(1, thresholds.backlogWarnCount))
    alerts.push({
      kind: 'clearing_backlog',
      severity: backlogCount >= thresholds.backlogCriticalCount ? 'critical' : 'warning',
      count: backlogCount,
      oldest_age_seconds: age(backlog?.oldest ?? null),
      link: { page: 'exceptions', operator_item_kind: 'settlement_hold' },
    });
  const reportCount = Number(reports?.count ?? 0);
  if (reportCount > 0)
    alerts.push({
      kind: 'partner_reports_failing',
      // A flagged report waits for a person; a pending one is still being retried.
      severity: Number(reports?.flagged ?? 0) > 0 ? 'critical' : 'warning',
      count: reportCount,
      oldest_age_seconds: age(reports?.oldest ?? null),
      link: { page: 'exceptions', operator_item_kind: 'partner_report_flagged' },
    });
  return alerts;
}
