import type { GatewayFailure } from '../errors';
import { errnoOf } from '../errors';

/*
 * One HTTP POST, with the failure modes sorted for the error factory. Built on fetch (injectable) so that tests
 * and other runtimes can substitute it. The per-attempt timeout covers the whole exchange, body included.
 */

/**
 * The largest answer read. The biggest the protocol gives (a 10,000-voucher purchase) is a few MiB; past this
 * the exchange fails as a lost connection (an unknown outcome for a mutating command, settled by query), so a
 * misbehaving gateway cannot make us hold an answer of any size.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

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
      // A redirect is an answer, never followed: the POST is not repeated elsewhere nor turned into a GET.
      redirect: 'manual',
    });
    const text = await readCapped(response);
    return { kind: 'answered', status: response.status, text, headers: response.headers };
  } catch (error) {
    // Which signal fired tells our timeout from the caller's abort; anything else is the network.
    if (timeout.aborted) return { kind: 'failed', failure: { kind: 'timeout', cause: error } };
    if (input.signal?.aborted === true) return { kind: 'failed', failure: { kind: 'aborted', cause: error } };
    return { kind: 'failed', failure: { kind: 'network', errno: errnoOf(error), cause: error } };
  }
}

/** The answer's text; past MAX_ANSWER_BYTES the rest is not read and the exchange fails (a lost connection). */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`answer over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
}
