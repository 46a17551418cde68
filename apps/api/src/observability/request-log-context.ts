import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { Observable } from 'rxjs';

/**
 * Runs each handler inside a logging context bound to its request's `request_id`, so every Nest `Logger` line
 * a handler or a service writes names the request. nestjs-pino's middleware sets up that context too, but on
 * Fastify it does not reach the handler (the middleware runs in a hook, the handler later).
 */
@Injectable()
export class RequestLogContext implements NestInterceptor {
  constructor(private readonly logger: PinoLogger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return new Observable((subscriber) =>
      this.logger.runInContext(() => next.handle().subscribe(subscriber), {
        bindings: { request_id: request.id },
      }),
    );
  }
}
