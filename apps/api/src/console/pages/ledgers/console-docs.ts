import { applyDecorators } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';

/*
 * The OpenAPI entries of the ledgers' and books' read routes (operator API document, tag `console`): each needs
 * `read`, answers 400 BODY_INVALID naming the field, 401 without a session, 404 for an unknown subject.
 */

const error = { $ref: '#/components/schemas/ConsoleError' };

export interface ReadRoute {
  summary: string;
  description?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  notFound?: string;
}

export function DocumentedRead(operationId: string, route: ReadRoute) {
  return applyDecorators(
    ApiOperation({
      operationId: `console_${operationId}`,
      summary: route.summary,
      description: `${route.description ?? route.summary}. Needs: read.`,
    }),
    ...Object.entries(route.params ?? {}).map(([name, description]) => ApiParam({ name, description })),
    ...Object.entries(route.query ?? {}).map(([name, description]) =>
      ApiQuery({ name, description, required: false }),
    ),
    ApiCookieAuth('session'),
    ApiResponse({ status: 200, description: 'Done.' }),
    ApiResponse({ status: 400, description: 'BODY_INVALID (the field named)', schema: error }),
    ApiResponse({ status: 401, description: 'UNAUTHENTICATED: no live session.', schema: error }),
    ApiResponse({ status: 403, description: 'ROLE_FORBIDDEN', schema: error }),
    ...(route.notFound ? [ApiResponse({ status: 404, description: route.notFound, schema: error })] : []),
  );
}
