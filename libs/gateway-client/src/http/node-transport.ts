import http from 'node:http';
import https from 'node:https';
import type { PostInput, PostResult } from './transport';
import { encodeBody, MAX_ANSWER_BYTES } from './transport';
import { errnoOf } from '../errors';

/*
 * The default transport: node:http(s) on keep-alive agents. The same contract as the fetch transport (one POST,
 * a per-attempt timeout over the whole exchange, the caller's abort, a 3xx an answer and never followed, the
 * answer capped at MAX_ANSWER_BYTES, failures sorted as timeout / aborted / network), at a fraction of fetch's cost per call: on the redemption
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

interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

export async function postNode(input: Omit<PostInput, 'fetch'>): Promise<PostResult> {
  const encoded = encodeBody(input.fields, input.encoding);
  const evidence = { connected: false, timedOut: false };
  try {
    const answer = await exchange(urlOf(input.url), encoded, input, evidence);
    return {
      kind: 'answered',
      status: answer.status,
      text: answer.text,
      headers: headerReader(answer.headers),
    };
  } catch (error) {
    // Whether our timer fired tells our timeout from the caller's abort; anything else is the network.
    const { connected } = evidence;
    if (evidence.timedOut) return { kind: 'failed', failure: { kind: 'timeout', cause: error, connected } };
    if (input.signal?.aborted === true) return { kind: 'failed', failure: { kind: 'aborted', cause: error } };
    return { kind: 'failed', failure: { kind: 'network', errno: errnoOf(error), cause: error, connected } };
  }
}

/** The gateway's URL, parsed once: every call of a client posts to the same one. */
let lastUrl: { text: string; url: URL } | undefined;
function urlOf(text: string): URL {
  if (lastUrl?.text !== text) lastUrl = { text, url: new URL(text) };
  return lastUrl.url;
}

/**
 * One POST. The per-attempt timeout is one timer over the whole exchange, and the caller's signal is listened
 * to directly: no AbortSignal.timeout and AbortSignal.any per call (a timer, two signals and their listeners
 * for every request, on the redemption path).
 */
function exchange(
  url: URL,
  { body, contentType }: { body: string; contentType: string },
  { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal | undefined },
  evidence: { connected: boolean; timedOut: boolean },
): Promise<Answer> {
  const protocol = url.protocol === 'https:' ? 'https:' : url.protocol === 'http:' ? 'http:' : undefined;
  if (protocol === undefined) return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
  if (signal?.aborted === true) return Promise.reject(abortError(signal));
  return new Promise<Answer>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      accept: 'application/json',
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
    };
    const request = (protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers,
      agent: agents[protocol],
    });
    const timer = setTimeout(() => {
      evidence.timedOut = true;
      request.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => request.destroy(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    // Bytes can leave only once a connection is open: at once on a reused keep-alive socket, else when the
    // TCP connection (and for https the TLS handshake) completes.
    request.once('socket', (socket) => {
      if (request.reusedSocket || !socket.connecting) evidence.connected = true;
      else
        socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => (evidence.connected = true));
    });
    request.once('error', (error) => {
      settle();
      reject(error);
    });
    request.once('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error(`answer over ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.once('error', (error) => {
        settle();
        reject(error);
      });
      // A connection lost mid-body (or our abort) ends the response without 'end'.
      response.once('close', () => {
        settle();
        if (!response.complete) reject(new Error('the connection closed before the answer ended'));
      });
      response.once('end', () => {
        settle();
        resolve({ status, text: Buffer.concat(chunks).toString('utf8'), headers: response.headers });
      });
    });
    request.end(body);
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
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
