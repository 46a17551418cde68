import { isIPv4 } from 'node:net';

/** Whether plain `http` to a loopback address is accepted (development only; off by default). */
export interface ReportUrlPolicy {
  allowLoopbackHttp?: boolean;
}

export class ReportUrlError extends Error {
  readonly code = 'REPORT_URL_INVALID';
  constructor(reason: string) {
    super(`report URL refused: ${reason}`);
    this.name = 'ReportUrlError';
  }
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/**
 * A partner's report URL: `https`, or `http` to loopback when the policy allows it (development). No
 * credentials in it (they would travel and be stored in clear), at most 500 characters (its column). Checked
 * where a URL is registered and again before each delivery, so a URL written around the registry is refused too.
 */
export function checkReportUrl(value: string, policy: ReportUrlPolicy = {}): URL {
  if (value.length > 500) throw new ReportUrlError('longer than 500 characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ReportUrlError('not an absolute URL');
  }
  if (url.username || url.password) throw new ReportUrlError('credentials in the URL');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && policy.allowLoopbackHttp && isLoopbackHost(url.hostname)) return url;
  throw new ReportUrlError(
    policy.allowLoopbackHttp ? 'must be https (or http to loopback)' : 'must be https',
  );
}
