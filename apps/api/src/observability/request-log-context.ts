import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

/**
 * Runs each route's handler (Nest's guards, pipes, controller and filters) inside a logging context bound to
 * its request's `request_id`, so every Nest `Logger` line a handler or a service writes names the request.
 * Wrapped at Fastify's route, not as a Nest interceptor: a global interceptor puts every request through
 * rxjs. (nestjs-pino's middleware context does not reach the handler on Fastify: its middleware is off.)
 * Added while the application is built, before Nest registers a route, so every route gets it.
 */
@Injectable()
export class RequestLogContext {
  constructor(adapterHost: HttpAdapterHost, logger: PinoLogger) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const handler = route.handler;
      route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        return logger.runInContext(() => handler.call(this, request, reply), {
          bindings: { request_id: request.id },
        });
      };
    });
  }
}
