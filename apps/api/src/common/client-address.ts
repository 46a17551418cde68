import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * The request's client address, the one the envelope limiter, the report allow-list and the request log line
 * all use: Fastify's `request.ip` (the connection's address, or with TRUST_PROXY the client a listed proxy
 * forwarded). Always an IP address: a forwarded entry that is not one (a proxy passing a client's header on
 * unchecked) falls back to the connection's, so no header text becomes a limiter key.
 */
export function clientAddress(request: FastifyRequest): string {
  if (isIP(request.ip) !== 0) return request.ip;
  return request.socket.remoteAddress ?? 'unknown';
}
