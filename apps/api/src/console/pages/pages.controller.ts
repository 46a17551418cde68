import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { taiwanBusinessDate } from '@tixclear/domain';
import { listAudit } from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { daySeries, dayTotals } from './day/day-totals';
import { dayPage } from './day/day.template';
import { businessDay } from './days.controller';
import { pageContext, PageSessions, sendPage } from './page-session';
import { auditPage, loginLinkPage, signInPage } from './templates';

const uplotDir = path.dirname(createRequire(import.meta.url).resolve('uplot'));
/** The only files /console/assets serves: a fixed list, so no path from the request reaches the disk. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'console.js': { file: path.join(import.meta.dirname, 'assets/console.js'), type: 'text/javascript' },
  'console.css': { file: path.join(import.meta.dirname, 'assets/console.css'), type: 'text/css' },
  'admin.js': { file: path.join(import.meta.dirname, 'assets/admin.js'), type: 'text/javascript' },
  'books.js': { file: path.join(import.meta.dirname, 'assets/books.js'), type: 'text/javascript' },
  'uPlot.iife.min.js': { file: path.join(uplotDir, 'uPlot.iife.min.js'), type: 'text/javascript' },
  'uPlot.min.css': { file: path.join(uplotDir, 'uPlot.min.css'), type: 'text/css' },
};

/**
 * The console's pages, server-rendered HTML over the same data the operator API reads. A page without a live
 * session redirects to the sign-in page; actions are the operator API's routes, called by console.js with the
 * CSRF token (the guard, not the page, decides who may act).
 */
@ApiExcludeController()
@Controller('console')
export class PagesController {
  private readonly assets = new Map<string, Buffer>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {}

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    let body = this.assets.get(name);
    if (!body) this.assets.set(name, (body = readFileSync(asset.file)));
    void reply
      .header('content-type', `${asset.type}; charset=utf-8`)
      .header('cache-control', 'no-cache')
      .send(body);
  }

  @Get('sign-in')
  signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    sendPage(reply, signInPage(pageContext(request, reply, '/console/sign-in')));
  }

  /** The page a sign-in link opens; its button posts the link (session.controller.ts redeems it). */
  @Get('login/:token')
  loginLink(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(token)) throw new NotFoundException();
    // The token is in this URL: no Referer carries it to another origin (our own form's POST may send it home).
    void reply.header('referrer-policy', 'same-origin');
    sendPage(reply, loginLinkPage(pageContext(request, reply, '/console/login'), token));
  }

  @Get()
  async day(@Query('date') date: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console');
    if (!ctx) return;
    const parsed = businessDay.safeParse(date);
    const day = parsed.success ? parsed.data : taiwanBusinessDate(new Date());
    const [totals, series] = await Promise.all([
      dayTotals(this.dataSource, day),
      daySeries(this.dataSource, day),
    ]);
    sendPage(reply, dayPage(ctx, totals, series));
  }

  @Get('audit')
  async audit(@Query('before') before: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console/audit');
    if (!ctx) return;
    const from = typeof before === 'string' && /^\d{1,18}$/.test(before) ? before : undefined;
    const { entries, next } = await listAudit(this.dataSource.manager, { before: from, limit: 50 });
    sendPage(reply, auditPage(ctx, entries, next));
  }
}
