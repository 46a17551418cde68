import { Body, Controller, Get, Param, Patch, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type AccountActor, OperatorAccounts, type OperatorView, operatorRoles } from '@tixclear/db';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { parseInput, subjectId } from './console-body';
import { ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard, sessionOf } from './console.guard';
import { ApiConsoleOperation } from './console-openapi';
import { Requires } from './roles';

const addBody = z.object({
  name: z.string().min(1).max(64),
  role: z.enum(operatorRoles),
  password: z.string().max(1024).optional(),
});
const changeBody = z
  .object({
    role: z.enum(operatorRoles).optional(),
    disabled: z.boolean().optional(),
    password: z.string().max(1024).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give role, disabled or password');

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
  async add(@Body() body: unknown, @Req() request: FastifyRequest): Promise<{ data: OperatorView }> {
    const input = parseInput(addBody, body);
    return {
      data: await this.#accounts.add({ ...input, password: input.password ?? null }, actorOf(request)),
    };
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
    if (input.password !== undefined)
      steps.push(() => this.#accounts.setPassword(target, input.password ?? '', by));
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
  ): Promise<{ data: { url: string; expires_at: string } }> {
    const { token, expiresAt } = await this.#accounts.loginLink(subjectId(name), actorOf(request));
    return {
      data: {
        url: `${request.protocol}://${request.host}/console/login/${token}`,
        expires_at: expiresAt.toISOString(),
      },
    };
  }
}

function actorOf(request: FastifyRequest): AccountActor {
  const session = sessionOf(request);
  return { actor: session.name, actorRole: session.role, clientAddress: clientAddress(request) };
}
