import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { sameSecret } from '@tixclear/db';
import type { FastifyRequest } from 'fastify';
import { ConsoleError, ConsoleErrorCode } from './console-errors';
import { readCookie, SESSION_COOKIE } from './cookies';
import { CAPABILITY, type Capability, PUBLIC_ROUTE, roleGrants } from './roles';
import { type ConsoleSession, ConsoleSessions } from './session.service';

const sessions = new WeakMap<FastifyRequest, ConsoleSession>();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every operator route, in this order: a state-changing call must come from this API's own origin (Origin, or
 * Referer when a client sends no Origin); then a live session (401 `UNAUTHENTICATED`); then, on a state-changing
 * call, the session's CSRF token in `X-CSRF-Token` (403 `CSRF_INVALID`); then the role must grant what the route
 * declares with `@Requires` (403 `ROLE_FORBIDDEN`). A route that declares nothing is refused.
 */
@Injectable()
export class ConsoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const changing = !SAFE_METHODS.has(request.method);
    if (changing) checkOrigin(request);
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const session = await this.sessions.resolve(readCookie(request, SESSION_COOKIE));
    if (!session) throw new ConsoleError(ConsoleErrorCode.Unauthenticated, 'sign in first');
    if (changing) {
      const given = request.headers['x-csrf-token'];
      if (typeof given !== 'string' || !sameSecret(given, session.csrfToken))
        throw new ConsoleError(
          ConsoleErrorCode.CsrfInvalid,
          'X-CSRF-Token must be the token of GET /console/api/me',
        );
    }
    const needed = this.reflector.getAllAndOverride<Capability | undefined>(CAPABILITY, targets);
    if (!needed || !roleGrants(session.role, needed))
      throw new ConsoleError(ConsoleErrorCode.RoleForbidden, `the role ${session.role} may not do this`);
    sessions.set(request, session);
    return true;
  }
}

/** The request's own origin as the client addressed it (with TRUST_PROXY, as the proxy forwarded it). */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  let claimed: string | undefined;
  if (typeof origin === 'string') claimed = origin;
  else if (typeof referer === 'string') {
    try {
      claimed = new URL(referer).origin;
    } catch {
      claimed = 'invalid';
    }
  }
  // No Origin and no Referer: not a browser's cross-site request (browsers send Origin on every non-GET);
  // the CSRF token still stands between it and the session.
  if (claimed !== undefined && claimed !== ownOrigin(request))
    throw new ConsoleError(
      ConsoleErrorCode.OriginForbidden,
      'a state-changing call must come from this origin',
    );
}

/** The session ConsoleGuard resolved; only for handlers behind it (not public routes). */
export function sessionOf(request: FastifyRequest): ConsoleSession {
  const session = sessions.get(request);
  if (!session) throw new Error('sessionOf: the route is not behind ConsoleGuard');
  return session;
}
