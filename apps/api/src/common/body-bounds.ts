import { MAX_JSON_DEPTH, tooDeepField } from '@tixclear/operations';
import type { FastifyInstance } from 'fastify';
import { RestError, RestErrorCode } from '../rest/rest-errors';

/**
 * How much larger than the body limit a body may be and still be read (and dropped) after its 413: up to this,
 * the connection stays open and the client, still sending, gets the answer; beyond it the connection is closed
 * unread (Fastify's way), and a client still sending may see a reset instead.
 */
const DRAINED_BODY_FACTOR = 4;

/**
 * Every parsed body (either door, JSON or form, and the gateway's reports) has its depth checked, iteratively,
 * before any handler walks it: V8's JSON.parse does not recurse, but request hashing, the schemas and
 * JSON.stringify do, and a body nested thousands deep would overflow the stack (a 500). Its size is bounded
 * before parsing by Fastify's `bodyLimit` (BODY_LIMIT_BYTES).
 */
export function installBodyBounds(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const field = tooDeepField(request.body);
    if (field === undefined) return done();
    done(
      new RestError(
        RestErrorCode.BodyInvalid,
        `the body nests deeper than ${MAX_JSON_DEPTH} levels`,
        field || undefined,
      ),
    );
  });
  // Fastify refuses a body over the limit by its Content-Length, before reading it, and closes the connection:
  // the unread bytes then make the kernel reset it, and a client still writing them gets EPIPE, not the 413.
  const drainable = fastify.initialConfig.bodyLimit! * DRAINED_BODY_FACTOR;
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const length = Number(request.headers['content-length']);
    if (reply.statusCode === 413 && length <= drainable && !request.raw.readableEnded) {
      reply.removeHeader('connection');
      request.raw.resume();
    }
    done(null, payload);
  });
}
