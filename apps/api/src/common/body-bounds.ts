import { MAX_JSON_DEPTH, tooDeepField } from '@tixclear/operations';
import type { FastifyInstance } from 'fastify';
import { RestError, RestErrorCode } from '../rest/rest-errors';

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
}
