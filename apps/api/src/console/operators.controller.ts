import {
  Body,
  Controller,
  Get,
  Param,
  Patch,
  Post,
  Put,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type AccountActor, OperatorAccounts, type OperatorView, operatorRoles } from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { parseInput, subjectId } from './console-body';
import { ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard, sessionOf } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { setSessionCookie } from './cookies';
import { Requires } from './roles';
import { ConsoleSessions } from './session.service';

// No password from an admin: a new operator sets their own after their first one-time link.
const addBody = z.object({ name: z.string().min(1).max(64), role: z.enum(operatorRoles) }).strict();
const changeBody = z
  .object({ role: z.enum(operatorRoles).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give role or disabled');
const ownPasswordBody = z
  .object({ current_password: z.string().max(1024).optional(), password: z.string().max(1024) })
  .strict();

/** Operator accounts, for admins: the same functions as `npm run operators`, each change audited. */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/operators')
export class OperatorsController {
  readonly #accounts: OperatorAccounts;

  constructor(dataSource: DataSource) {
    this.#accounts = new OperatorAccounts(dataSource);
  }

  @Get()
  @Requires('admin')
  @ApiConsoleOperation('listOperators')
  async list(): Promise<{ data: OperatorView[] }> {
    return { data: await this.#accounts.list() };
  }

  @Post()
  @Requires('admin')
  @ApiConsoleOperation('addOperator')
  async add(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: OperatorView; login_link: { url: string; expires_at: string } }> {
    const input = parseInput(addBody, body);
    const by = actorOf(request);
    const added = await this.#accounts.add({ ...input, password: null }, by);
    // The link to hand over (once): the operator signs in with it and sets their own password.
    void reply.header('cache-control', 'no-store');
    return { data: added, login_link: await this.link(request, added.name, by) };
  }

  @Patch(':name')
  @Requires('admin')
  @ApiConsoleOperation('changeOperator')
  async change(
    @Param('name') name: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<{ data: OperatorView }> {
    const input = parseInput(changeBody, body);
    const by = actorOf(request);
    const target = subjectId(name);
    // Each change is its own audited step, in this order; the body names at least one.
    const steps: (() => Promise<OperatorView>)[] = [];
    if (input.role !== undefined) steps.push(() => this.#accounts.setRole(target, input.role ?? '', by));
    if (input.disabled === true) steps.push(() => this.#accounts.disable(target, by));
    if (input.disabled === false) steps.push(() => this.#accounts.enable(target, by));
    let view: OperatorView | undefined;
    for (const step of steps) view = await step();
    if (!view) throw new Error('unreachable: the body names a change');
    return { data: view };
  }

  @Post(':name/login-link')
  @Requires('admin')
  @ApiConsoleOperation('operatorLoginLink')
  async loginLink(
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: { url: string; expires_at: string } }> {
    void reply.header('cache-control', 'no-store');
    return { data: await this.link(request, subjectId(name), actorOf(request)) };
  }

  private async link(
    request: FastifyRequest,
    name: string,
    by: AccountActor,
  ): Promise<{ url: string; expires_at: string }> {
    const { token, expiresAt } = await this.#accounts.loginLink(name, by);
    return {
      url: `${request.protocol}://${request.host}/console/login/${token}`,
      expires_at: expiresAt.toISOString(),
    };
  }
}

/**
 * An operator's own password, for every role: set the first time without the current one (after a one-time
 * link), changed later with it (a wrong one counts as a failed sign-in). Every session of theirs ends, this one
 * too: they sign in again with the new password.
 */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/me')
export class OwnAccountController {
  readonly #accounts: OperatorAccounts;

  constructor(
    dataSource: DataSource,
    private readonly sessions: ConsoleSessions,
  ) {
    this.#accounts = new OperatorAccounts(dataSource);
  }

  @Put('password')
  @Requires('read')
  @ApiConsoleOperation('ownPassword')
  async setOwnPassword(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: OperatorView }> {
    const input = parseInput(ownPasswordBody, body);
    const session = sessionOf(request);
    if (
      !(await this.sessions.confirmOwnPassword(session, input.current_password ?? '', clientAddress(request)))
    )
      throw new ConsoleError(
        ConsoleErrorCode.BodyInvalid,
        'the current password is wrong',
        'current_password',
      );
    const view = await this.#accounts.setPassword(session.name, input.password, actorOf(request));
    setSessionCookie(request, reply, '', 0);
    return { data: view };
  }
}

function actorOf(request: FastifyRequest): AccountActor {
  const session = sessionOf(request);
  return { actor: session.name, actorRole: session.role, clientAddress: clientAddress(request) };
}
