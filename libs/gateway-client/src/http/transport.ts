import type { GatewayFailure } from '../errors';
import { errnoOf } from '../errors';

/*
 * One HTTP POST, with the failure modes sorted for the error factory. Built on fetch (injectable) so that tests
 * and other runtimes can substitute it. The per-attempt timeout covers the whole exchange, body included.
 */

export type BodyEncoding = 'form' | 'json';

export interface PostInput {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly encoding: BodyEncoding;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly fetch: typeof fetch;
}

export type PostResult =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly text: string;
      /** fetch's Headers, or the same reading of node's headers. */
      readonly headers: { get(name: string): string | null };
    }
  | { readonly kind: 'failed'; readonly failure: GatewayFailure };

/**
 * The body as the reference clients send it. Form: what PHP's http_build_query and Python's requests produce
 * (URLSearchParams escapes `+`, `/` and `=` of the base64, so nothing turns into a space on the other side).
 * JSON: what the Node.js sample sends.
 */
export function encodeBody(
  fields: Readonly<Record<string, string>>,
  encoding: BodyEncoding,
): { body: string; contentType: string } {
  return encoding === 'form'
    ? { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' }
    : { body: JSON.stringify(fields), contentType: 'application/json' };
}

export async function post(input: PostInput): Promise<PostResult> {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal === undefined ? timeout : AbortSignal.any([timeout, input.signal]);
  const { body, contentType } = encodeBody(input.fields, input.encoding);
  try {
    const response = await input.fetch(input.url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json' },
      body,
      signal,
      // The PHP sample follows redirects; so does fetch by default. Stated so nobody changes it by accident.
      redirect: 'follow',
    });
    const text = await response.text();
    return { kind: 'answered', status: response.status, text, headers: response.headers };
  } catch (error) {
    // Which signal fired tells our timeout from the caller's abort; anything else is the network.
    if (timeout.aborted) return { kind: 'failed', failure: { kind: 'timeout', cause: error } };
    if (input.signal?.aborted === true) return { kind: 'failed', failure: { kind: 'aborted', cause: error } };
    return { kind: 'failed', failure: { kind: 'network', errno: errnoOf(error), cause: error } };
  }
}
