import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { parseInput } from './console-body';
import { ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard, sessionOf } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { readCookie, SESSION_COOKIE, setSessionCookie } from './cookies';
import { grants, PublicRoute, Requires } from './roles';
import { type ConsoleSession, ConsoleSessions, SESSION_TTL_MS } from './session.service';

const signInBody = z.object({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

function me(session: ConsoleSession) {
  return {
    data: {
      name: session.name,
      role: session.role,
      capabilities: grants[session.role],
      csrf_token: session.csrfToken,
    },
  };
}

/** Signing in and out, and who is signed in. */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console')
export class SessionController {
  constructor(private readonly sessions: ConsoleSessions) {}

  @Post('api/session')
  @PublicRoute()
  @HttpCode(201)
  @ApiConsoleOperation('signIn')
  async signIn(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnType<typeof me>> {
    const { name, password } = parseInput(signInBody, body);
    const { sessionId, session } = await this.sessions.signIn(name, password, clientAddress(request));
    await this.sessions.discard(readCookie(request, SESSION_COOKIE));
    setSessionCookie(request, reply, sessionId, SESSION_TTL_MS / 1000);
    void reply.header('cache-control', 'no-store');
    return me(session);
  }

  @Post('login/:token')
  @PublicRoute()
  @ApiConsoleOperation('loginLink')
  async loginLink(
    @Param('token') token: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { sessionId } = await this.sessions.redeemLink(token, clientAddress(request));
    await this.sessions.discard(readCookie(request, SESSION_COOKIE));
    setSessionCookie(request, reply, sessionId, SESSION_TTL_MS / 1000);
    // The token is in this URL: no Referer carries it on, no cache keeps the answer.
    await reply
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .redirect('/console', 303);
  }

  @Delete('api/session')
  @Requires('read')
  @HttpCode(204)
  @ApiConsoleOperation('signOut')
  async signOut(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.signOut(sessionOf(request), clientAddress(request));
    setSessionCookie(request, reply, '', 0);
  }

  @Get('api/me')
  @Requires('read')
  @ApiConsoleOperation('me')
  whoAmI(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ReturnType<typeof me> {
    void reply.header('cache-control', 'no-store');
    return me(sessionOf(request));
  }
}
