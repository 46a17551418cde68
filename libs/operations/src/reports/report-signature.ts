import { createHmac } from 'node:crypto';
import { reportSecretKey } from '@tixclear/db';

/** The headers that sign one delivery of a report (Standard Webhooks). */
export interface ReportSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a report the Standard Webhooks way: HMAC-SHA256 over `<id>.<timestamp>.<body>` with each secret's key,
 * `v1,<base64>` each, space-separated (during a rotation's overlap, one per secret, so a partner holding either
 * verifies). The id is the report's, the same on every attempt and resend, so a partner can drop repeats; the
 * timestamp is the attempt's (Unix seconds), so a partner can refuse stale replays.
 */
export function signReport(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
): ReportSignatureHeaders {
  if (secrets.length === 0) throw new Error('signReport: no secret');
  const content = `${id}.${timestampSeconds}.${body}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets
      .map((secret) => `v1,${createHmac('sha256', reportSecretKey(secret)).update(content).digest('base64')}`)
      .join(' '),
  };
}
