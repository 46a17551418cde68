import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { startStack, type Stack } from './stack';

/*
 * The OpenAPI document the API serves is the committed docs/openapi.json, so that a change to it shows in
 * review. `npm run openapi` rewrites the file from a running API (this spec with UPDATE_OPENAPI=1).
 */

const FILE = path.resolve(import.meta.dirname, '../../../docs/openapi.json');

interface Operation {
  requestBody?: { content: Record<string, { example?: unknown; examples?: Record<string, unknown> }> };
  responses: Record<
    string,
    {
      headers?: Record<string, unknown>;
      content?: Record<string, { example?: unknown; examples?: Record<string, unknown> }>;
    }
  >;
}
type Paths = Record<string, Record<string, Operation>>;

describe('the OpenAPI document', () => {
  let stack: Stack;
  let served: { paths: Paths } & Record<string, unknown>;
  beforeAll(async () => {
    stack = await startStack();
    served = (await (await fetch(`${stack.apiUrl}/docs/openapi.json`)).json()) as typeof served;
    if (process.env.UPDATE_OPENAPI === '1') {
      const text = JSON.stringify(served, null, 2);
      await writeFile(FILE, await format(text, { ...(await resolveConfig(FILE)), filepath: FILE }));
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('is the committed docs/openapi.json (npm run openapi rewrites it)', async () => {
    expect(served).toEqual(JSON.parse(await readFile(FILE, 'utf8')));
  });

  it('documents /api/init and the REST door, with an example for every request and answer', () => {
    expect(Object.keys(served.paths)).toEqual(
      expect.arrayContaining(['/api/init', '/v1/purchases', '/v1/redemptions', '/v1/refunds']),
    );
    const missing: string[] = [];
    for (const [route, methods] of Object.entries(served.paths)) {
      if (!route.startsWith('/v1/') && route !== '/api/init') continue;
      for (const [method, operation] of Object.entries(methods)) {
        for (const [type, media] of Object.entries(operation.requestBody?.content ?? {}))
          if (media.example === undefined && media.examples === undefined)
            missing.push(`${method} ${route} request ${type}`);
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!response.headers?.['X-Request-Id']) missing.push(`${method} ${route} ${status} X-Request-Id`);
          for (const [type, media] of Object.entries(response.content ?? {}))
            if (media.example === undefined && media.examples === undefined)
              missing.push(`${method} ${route} ${status} ${type}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('names Location and Idempotent-Replayed on the answers of a POST that carry them', () => {
    const create = served.paths['/v1/redemptions']!.post!;
    expect(Object.keys(create.responses['201']!.headers!).sort()).toEqual([
      'Idempotent-Replayed',
      'Location',
      'X-Request-Id',
    ]);
    expect(Object.keys(create.responses['202']!.headers!).sort()).toEqual(['Location', 'X-Request-Id']);
  });
});
