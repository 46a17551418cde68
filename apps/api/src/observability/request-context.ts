import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientAddress } from '../common/client-address';
import type { Metrics } from './metrics';

declare module 'fastify' {
  interface FastifyRequest {
    /** The partner the request was authenticated as (REST key or envelope), for the request's log line. */
    partnerUid?: string;
  }
}

/**
 * An incoming X-Request-Id is kept when it is sane (a caller's trace id joins our logs), otherwise we make one:
 * the header reaches the logs, so it must not carry line breaks, markup or a payload.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Ids given, by raw request: Fastify and pino-http both ask, and must get the same one. */
const given = new WeakMap<object, string>();

/** For Fastify's and pino-http's `genReqId`: the request id, from the header or fresh, once per request. */
export function genReqId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const known = given.get(request);
  if (known !== undefined) return known;
  const id = requestIdFor(request.headers['x-request-id']);
  given.set(request, id);
  return id;
}

/** The route pattern (bounded label set), never the raw URL: unknown paths all count as `unmatched`. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/**
 * Every response carries X-Request-Id; every request ends in exactly one log line and one metrics sample.
 * The line has ids, method, route, status, duration and the client address (see common/client-address.ts) only:
 * no headers (keys), bodies (envelopes, buyers' data) or query strings.
 */
export function installRequestHooks(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.decorateRequest('partnerUid', undefined);
  // Callback hooks, not async ones: an async hook costs every request a promise and a microtask.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const seconds = reply.elapsedTime / 1000;
    metrics.recordRequest({ method: request.method, route, status: reply.statusCode, seconds });
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
        partner_uid: request.partnerUid,
        client_address: clientAddress(request),
      },
      'request',
    );
    done();
  });
}
