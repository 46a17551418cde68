import type { FastifyReply, FastifyRequest } from 'fastify';

/** The session cookie: sent only to /console paths. */
export const SESSION_COOKIE = 'tixclear_console';

/** The value of one cookie of the request's Cookie header (the first of that name), or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Sets (or, with `maxAgeSeconds` 0, clears) the session cookie: HttpOnly (no script reads it), SameSite=Strict
 * (no other site's request carries it), Path=/console, and Secure when the request came over HTTPS (directly
 * or, with TRUST_PROXY, through a listed proxy), so a plain-HTTP local console still works.
 */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  value: string,
  maxAgeSeconds: number,
): void {
  const flags = ['Path=/console', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (request.protocol === 'https') flags.push('Secure');
  void reply.header('set-cookie', `${SESSION_COOKIE}=${value}; ${flags.join('; ')}`);
}
