import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, SESSION_COOKIE } from '../cookies';
import { ConsoleSessions } from '../session.service';
import { dictionaries, LANG_COOKIE, requestLang } from './i18n';
import type { PageContext } from './layout';

/**
 * What every page controller needs: the signed-in operator (or a redirect to the sign-in page) and the language.
 * Pages only read; what an operator may do is decided by the operator API's guard when console.js calls it.
 */
@Injectable()
export class PageSessions {
  constructor(private readonly sessions: ConsoleSessions) {}

  /** The page's context, or null after redirecting a request without a live session to the sign-in page. */
  async signedIn(request: FastifyRequest, reply: FastifyReply, at: string): Promise<PageContext | null> {
    const session = await this.sessions.resolve(readCookie(request, SESSION_COOKIE));
    if (!session) {
      void reply.header('cache-control', 'no-store').redirect('/console/sign-in', 303);
      return null;
    }
    return {
      ...pageContext(request, reply, at),
      operator: { name: session.name, role: session.role, csrfToken: session.csrfToken },
    };
  }
}

/** The language (`?lang=` remembered in a cookie) and the page's path, for a page with or without a session. */
export function pageContext(request: FastifyRequest, reply: FastifyReply, at: string): PageContext {
  const lang = requestLang(request);
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (asked === lang)
    void reply.header(
      'set-cookie',
      `${LANG_COOKIE}=${lang}; Path=/console; SameSite=Strict; Max-Age=31536000`,
    );
  return { lang, t: dictionaries[lang], path: at };
}

/** Sends a rendered page: never cached, never framed, never sniffed. */
export function sendPage(reply: FastifyReply, page: string): void {
  void reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .send(page);
}
