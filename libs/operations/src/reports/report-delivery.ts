import {
  checkReportUrl,
  PartnerEntity,
  PartnerNotificationEntity,
  raiseOperatorItem,
  ReportUrlError,
  type ReportUrlPolicy,
} from '@tixclear/db';
import { httpBuildQuery } from '@tixclear/gateway-client';
import type { DataSource, EntityManager } from 'typeorm';
import { signReport } from './report-signature';

export const REPORT_ATTEMPTS = 5;
/** The most of a partner's answer that is read: `8888` needs four bytes; a bigger answer is a failed attempt. */
export const REPORT_ANSWER_MAX_BYTES = 64 * 1024;

export type DeliveryResult = 'delivered' | 'already_done' | 'retry' | 'flagged' | 'no_url';

/** The partner's report secrets in force at `now`, the current one first (PartnerReportSettings). */
export interface ReportSigner {
  signingSecrets(partnerId: string, now?: Date): Promise<string[]>;
}

export interface DeliveryOptions {
  signer: ReportSigner;
  /** Plain http to loopback (development only). */
  reportUrls?: ReportUrlPolicy;
  fetch?: typeof fetch;
  timeoutMs?: number;
  attempts?: number;
  maxAnswerBytes?: number;
  now?: () => Date;
}

/**
 * Delivers one partner report: POSTs it, signed (Standard Webhooks headers), to the partner's report URL;
 * delivered when the answer is a 2xx whose body is `8888`. The body is the gateway's own form shape (`form`,
 * for clients written against the gateway, which ignore the headers) or `{ type, timestamp, data }` (`json`).
 * A redirect is never followed and at most `maxAnswerBytes` of the answer are read: both are failed attempts.
 * Each failure is counted; after the last of REPORT_ATTEMPTS the report is `flagged` for an operator. What no
 * retry can mend (no URL, a URL that is not https, no secret) flags it at once. The queue calls this once per
 * attempt and owns the backoff between attempts.
 */
export async function deliverReport(
  dataSource: DataSource,
  notificationId: string,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const repo = dataSource.getRepository(PartnerNotificationEntity);
  const report = await repo.findOneBy({ id: notificationId });
  if (!report || report.state !== 'pending') return 'already_done';
  const flag = (reason: string, forOperator = true) =>
    dataSource.transaction(async (tx) => {
      const flagged = await tx
        .getRepository(PartnerNotificationEntity)
        .update({ id: report.id, state: 'pending' }, { state: 'flagged', lastError: reason });
      if (flagged.affected === 1 && forOperator) await raiseFlagged(tx, report, reason);
    });
  const partner = await dataSource.getRepository(PartnerEntity).findOneBy({ id: report.partnerId });
  if (!partner?.notifyUrl) {
    // A partner without a URL only queries: nothing waits for a person.
    await flag('no notification URL', false);
    return 'no_url';
  }
  let url: URL;
  try {
    url = checkReportUrl(partner.notifyUrl, options.reportUrls);
  } catch (error) {
    if (!(error instanceof ReportUrlError)) throw error;
    await flag(error.message);
    return 'flagged';
  }
  const now = options.now?.() ?? new Date();
  const secrets = await options.signer.signingSecrets(partner.id, now);
  if (secrets.length === 0) {
    await flag('no report secret: issue one (npm run partners -- rotate-report-secret)');
    return 'flagged';
  }

  const [contentType, body] =
    partner.reportFormat === 'json'
      ? [
          'application/json',
          JSON.stringify({
            type: report.event,
            timestamp: report.createdAt.toISOString(),
            data: report.payload,
          }),
        ]
      : ['application/x-www-form-urlencoded', httpBuildQuery(report.payload)];
  let error: string | null = null;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...signReport(report.id, Math.floor(now.getTime() / 1000), body, secrets),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await readCapped(response, options.maxAnswerBytes ?? REPORT_ANSWER_MAX_BYTES);
    if (response.status >= 300 && response.status < 400)
      error = `answered ${response.status}: redirects are not followed`;
    else if (text === null) error = `answered ${response.status} with more than the answer cap`;
    else if (response.status < 200 || response.status > 299 || text.trim() !== '8888')
      error = `answered ${response.status} ${JSON.stringify(text.trim().slice(0, 80))}`;
  } catch (cause) {
    error = cause instanceof Error ? `${cause.name}: ${cause.message}` : 'request failed';
  }

  // Counted in the statement (attempts + 1), so two deliveries racing never lose an attempt.
  if (error === null) {
    await repo
      .createQueryBuilder()
      .update()
      .set({ state: 'delivered', attempts: () => 'attempts + 1', deliveredAt: new Date(), lastError: null })
      .where({ id: report.id, state: 'pending' })
      .execute();
    return 'delivered';
  }
  const lastError = error.slice(0, 500);
  return dataSource.transaction(async (tx) => {
    const [rows] = await tx.query<[{ state: string }[], number]>(
      `UPDATE partner_notifications
          SET attempts = attempts + 1, last_error = $2,
              state = CASE WHEN attempts + 1 >= $3 THEN 'flagged' ELSE state END
        WHERE id = $1 AND state = 'pending'
        RETURNING state`,
      [report.id, lastError, options.attempts ?? REPORT_ATTEMPTS],
    );
    if (!rows[0]) return 'already_done';
    if (rows[0].state === 'pending') return 'retry';
    await raiseFlagged(tx, report, lastError);
    return 'flagged';
  });
}

/** A flagged report waits for a person: an operator item, in the flag's transaction. */
async function raiseFlagged(
  tx: EntityManager,
  report: PartnerNotificationEntity,
  reason: string,
): Promise<void> {
  await raiseOperatorItem(tx, {
    kind: 'partner_report_flagged',
    reference: report.id,
    partnerId: report.partnerId,
    details: { operation_id: report.operationId, event: report.event, reason },
  });
}

/** The answer's text, or null once it exceeds `maxBytes` (the rest is never read: the stream is cancelled). */
export async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  if (!response.body) return '';
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    return null;
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
