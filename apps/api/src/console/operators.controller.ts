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
import {
  type AccountActor,
  OperatorAccounts,
  type OperatorView,
  operatorRoles,
  recordAudit,
} from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { parseInput, subjectId } from './console-body';
import { consoleAnswer, ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from './console-errors';
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

  constructor(private readonly dataSource: DataSource) {
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
    const named = (body as { name?: unknown } | null)?.name;
    return refusalsAudited(
      this.dataSource,
      request,
      'operator.add',
      typeof named === 'string' ? named : '-',
      async () => {
        const input = parseInput(addBody, body);
        const by = actorOf(request);
        const added = await this.#accounts.add({ ...input, password: null }, by);
        // The link to hand over (once): the operator signs in with it and sets their own password.
        void reply.header('cache-control', 'no-store');
        return { data: added, login_link: await this.link(request, added.name, by) };
      },
    );
  }

  @Patch(':name')
  @Requires('admin')
  @ApiConsoleOperation('changeOperator')
  async change(
    @Param('name') name: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<{ data: OperatorView }> {
    return refusalsAudited(this.dataSource, request, 'operator.change', name, async () => {
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
    });
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
    return refusalsAudited(this.dataSource, request, 'operator.login_link', name, async () => ({
      data: await this.link(request, subjectId(name), actorOf(request)),
    }));
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
    private readonly dataSource: DataSource,
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
    const session = sessionOf(request);
    return refusalsAudited(this.dataSource, request, 'operator.set_password', session.name, async () => {
      const input = parseInput(ownPasswordBody, body);
      const current = input.current_password ?? '';
      if (!(await this.sessions.confirmOwnPassword(session, current, clientAddress(request))))
        throw new ConsoleError(
          ConsoleErrorCode.BodyInvalid,
          'the current password is wrong',
          'current_password',
        );
      const view = await this.#accounts.setPassword(session.name, input.password, actorOf(request));
      setSessionCookie(request, reply, '', 0);
      return { data: view };
    });
  }
}

/**
 * Runs an account action; a refusal (any 4xx: bad input, unknown operator, a wrong current password…) gets its own
 * audit line with its code. The last-admin guard's refusal is audited by libs/db itself, so not twice.
 */
async function refusalsAudited<T>(
  dataSource: DataSource,
  request: FastifyRequest,
  action: string,
  target: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { status, body } = consoleAnswer(error);
    const code = (body as { error?: { code?: string } }).error?.code ?? 'INTERNAL';
    if (status < 500 && code !== 'OPERATOR_LAST_ADMIN')
      await recordAudit(dataSource.manager, {
        ...actorOf(request),
        action,
        target,
        outcome: code.slice(0, 60),
      });
    throw error;
  }
}

function actorOf(request: FastifyRequest): AccountActor {
  const session = sessionOf(request);
  return { actor: session.name, actorRole: session.role, clientAddress: clientAddress(request) };
}
