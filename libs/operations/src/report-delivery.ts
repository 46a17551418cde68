import { PartnerEntity, PartnerNotificationEntity } from '@tixclear/db';
import type { DataSource } from 'typeorm';
import { formEncode } from './form-encoding';

export const REPORT_ATTEMPTS = 5;

export type DeliveryResult = 'delivered' | 'already_done' | 'retry' | 'flagged' | 'no_url';

/**
 * Delivers one partner report: POSTs its fields (form-encoded, like the gateway's own reports) to the partner's
 * notification URL; delivered when the answer's body is `8888`. Each failure is counted; after the last of
 * REPORT_ATTEMPTS the report is `flagged` for an operator. The queue calls this once per attempt and owns the
 * backoff between attempts.
 */
export async function deliverReport(
  dataSource: DataSource,
  notificationId: string,
  options: { fetch?: typeof fetch; timeoutMs?: number; attempts?: number } = {},
): Promise<DeliveryResult> {
  const repo = dataSource.getRepository(PartnerNotificationEntity);
  const report = await repo.findOneBy({ id: notificationId });
  if (!report || report.state !== 'pending') return 'already_done';
  const partner = await dataSource.getRepository(PartnerEntity).findOneBy({ id: report.partnerId });
  if (!partner?.notifyUrl) {
    await repo.update(
      { id: report.id, state: 'pending' },
      { state: 'flagged', lastError: 'no notification URL' },
    );
    return 'no_url';
  }

  let error: string | null = null;
  try {
    const response = await (options.fetch ?? fetch)(partner.notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formEncode(report.payload),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = (await response.text()).trim();
    if (text !== '8888') error = `answered ${response.status} ${JSON.stringify(text.slice(0, 80))}`;
  } catch (cause) {
    error = cause instanceof Error ? `${cause.name}: ${cause.message}` : 'request failed';
  }

  const attempts = report.attempts + 1;
  if (error === null) {
    await repo.update(
      { id: report.id, state: 'pending' },
      { state: 'delivered', attempts, deliveredAt: new Date(), lastError: null },
    );
    return 'delivered';
  }
  const last = attempts >= (options.attempts ?? REPORT_ATTEMPTS);
  await repo.update(
    { id: report.id, state: 'pending' },
    { attempts, lastError: error.slice(0, 500), ...(last ? { state: 'flagged' as const } : {}) },
  );
  return last ? 'flagged' : 'retry';
}
