import { Module } from '@nestjs/common';
import { OperationsModule } from '../operations/operations.module';
import { PartnersModule } from '../partners/partners.module';
import { AlertsController } from './alerts.controller';
import { AuditController } from './audit.controller';
import { Audited } from './audited';
import { ConsoleGuard } from './console.guard';
import { ExceptionsController } from './exceptions.controller';
import { OperatorsController } from './operators.controller';
import { OwnAccountController } from './operators.controller';
import { OperatorsPage } from './pages/operators/operators.page';
import { PartnersPage } from './pages/partners/partners.page';
import { PartnersConsoleController } from './partners.controller';
import { DaysController } from './pages/days.controller';
import { BooksApiController } from './pages/books/books.api';
import { BooksPageController } from './pages/books/books.page';
import { ExceptionsPage } from './pages/exceptions/exceptions.page';
import { LedgersApiController } from './pages/ledgers/ledgers.api';
import { LedgersPageController } from './pages/ledgers/ledgers.page';
import { PageSessions } from './pages/page-session';
import { PagesController } from './pages/pages.controller';
import { PaymentsController } from './pages/payments/payments.controller';
import { PaymentsPage } from './pages/payments/payments.page';
import { PayoffsController } from './pages/payoffs/payoffs.controller';
import { PayoffsPage } from './pages/payoffs/payoffs.page';
import { RunsPage } from './pages/runs/runs.page';
import { RunsController } from './runs.controller';
import { SessionController } from './session.controller';
import { ConsoleSessions } from './session.service';

/** The operator API under /console: sessions, roles, the audit trail, operator accounts and exception actions. */
@Module({
  imports: [PartnersModule, OperationsModule],
  controllers: [
    SessionController,
    OperatorsController,
    OwnAccountController,
    OperatorsPage,
    PartnersConsoleController,
    PartnersPage,
    AuditController,
    ExceptionsController,
    AlertsController,
    DaysController,
    PagesController,
    LedgersApiController,
    LedgersPageController,
    BooksApiController,
    BooksPageController,
    ExceptionsPage,
    RunsController,
    RunsPage,
    PayoffsController,
    PayoffsPage,
    PaymentsController,
    PaymentsPage,
  ],
  providers: [ConsoleSessions, ConsoleGuard, Audited, PageSessions],
})
export class ConsoleModule {}
