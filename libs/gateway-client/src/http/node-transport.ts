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
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal === undefined ? timeout : AbortSignal.any([timeout, input.signal]);
  const encoded = encodeBody(input.fields, input.encoding);
  const evidence = { connected: false };
  try {
    const answer = await exchange(new URL(input.url), encoded, signal, evidence);
    return {
      kind: 'answered',
      status: answer.status,
      text: answer.text,
      headers: headerReader(answer.headers),
    };
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
  { body, contentType }: { body: string; contentType: string },
  signal: AbortSignal,
  evidence: { connected: boolean },
): Promise<Answer> {
  const protocol = url.protocol === 'https:' ? 'https:' : url.protocol === 'http:' ? 'http:' : undefined;
  if (protocol === undefined) return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
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
      signal,
    });
    // Bytes can leave only once a connection is open: at once on a reused keep-alive socket, else when the
    // TCP connection (and for https the TLS handshake) completes.
    request.once('socket', (socket) => {
      if (request.reusedSocket || !socket.connecting) evidence.connected = true;
      else
        socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => (evidence.connected = true));
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const status = response.statusCode ?? 0;
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
