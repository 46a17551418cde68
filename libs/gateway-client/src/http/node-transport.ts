import http from 'node:http';
import https from 'node:https';
import type { PostInput, PostResult } from './transport';
import { encodeBody } from './transport';
import { errnoOf } from '../errors';

/*
 * The default transport: node:http(s) on keep-alive agents. The same contract as the fetch transport (one POST,
 * a per-attempt timeout over the whole exchange, the caller's abort, redirects followed as fetch follows them,
 * failures sorted as timeout / aborted / network), at a fraction of fetch's cost per call: on the redemption
 * path fetch (WHATWG streams, Headers, AbortSignal plumbing) cost the API more CPU than anything but PostgreSQL.
 * Unlike fetch it reports whether a connection was ever open (`connected`): the evidence "not sent" rests on.
 */

/**
 * Idle connections are closed after FREE_SOCKET_MS, under the 5 s keep-alive of common servers (Node's, Apache's
 * default), so that a request is rarely written on a connection the server is closing: such a request fails
 * as a reset, an unknown outcome for a mutating command (settled by query, never guessed).
 */
const FREE_SOCKET_MS = 4_000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: FREE_SOCKET_MS, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, timeout: FREE_SOCKET_MS, scheduling: 'lifo' }),
};
/** fetch's limit. */
const MAX_REDIRECTS = 20;
/**
 * The largest answer read. The biggest the protocol gives (a 10,000-voucher purchase) is a few MiB; past this
 * the exchange fails as a lost connection (an unknown outcome for a mutating command, settled by query), so a
 * misbehaving gateway cannot make us hold an answer of any size.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** The statuses fetch follows; any other 3xx is an answer (left unfollowed). */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
  location?: string;
}

export async function postNode(input: Omit<PostInput, 'fetch'>): Promise<PostResult> {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal === undefined ? timeout : AbortSignal.any([timeout, input.signal]);
  const encoded = encodeBody(input.fields, input.encoding);
  let url = new URL(input.url);
  let method = 'POST';
  let body: string | undefined = encoded.body;
  const evidence = { connected: false };
  try {
    for (let redirects = 0; ; redirects += 1) {
      const answer = await exchange(url, method, body, encoded.contentType, signal, evidence);
      if (answer.location === undefined) {
        return {
          kind: 'answered',
          status: answer.status,
          text: answer.text,
          headers: headerReader(answer.headers),
        };
      }
      if (redirects === MAX_REDIRECTS) throw new TypeError('redirect count exceeded');
      url = new URL(answer.location, url);
      // As fetch: 303, and 301/302 after a POST, go on as a GET without the body; 307 and 308 repeat the POST.
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  } catch (error) {
    // Which signal fired tells our timeout from the caller's abort; anything else is the network.
    const { connected } = evidence;
    if (timeout.aborted) return { kind: 'failed', failure: { kind: 'timeout', cause: error, connected } };
    if (input.signal?.aborted === true) return { kind: 'failed', failure: { kind: 'aborted', cause: error } };
    return { kind: 'failed', failure: { kind: 'network', errno: errnoOf(error), cause: error, connected } };
  }
}

function exchange(
  url: URL,
  method: string,
  body: string | undefined,
  contentType: string,
  signal: AbortSignal,
  evidence: { connected: boolean },
): Promise<Answer> {
  const protocol = url.protocol === 'https:' ? 'https:' : url.protocol === 'http:' ? 'http:' : undefined;
  if (protocol === undefined) return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
  return new Promise<Answer>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = Buffer.byteLength(body);
    }
    const request = (protocol === 'https:' ? https : http).request(url, {
      method,
      headers,
      agent: agents[protocol],
      signal,
    });
    // Bytes can leave only once a connection is open: at once on a reused keep-alive socket, else when the
    // TCP connection (and for https the TLS handshake) completes. Never reset: a redirect's hop was answered.
    request.once('socket', (socket) => {
      if (request.reusedSocket || !socket.connecting) evidence.connected = true;
      else
        socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => (evidence.connected = true));
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        // Drained, not read: the connection goes back to the pool.
        response.resume();
        response.once('end', () => resolve({ status, text: '', headers: response.headers, location }));
        response.once('error', reject);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error(`answer over ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.once('error', reject);
      // A connection lost mid-body (or our abort) ends the response without 'end'.
      response.once('close', () => {
        if (!response.complete) reject(new Error('the connection closed before the answer ended'));
      });
      response.once('end', () =>
        resolve({ status, text: Buffer.concat(chunks).toString('utf8'), headers: response.headers }),
      );
    });
    request.end(body);
  });
}

/** The one header reading the client does (`retry-after`), as fetch's Headers answers it. */
function headerReader(headers: http.IncomingHttpHeaders): { get(name: string): string | null } {
  return {
    get: (name) => {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
