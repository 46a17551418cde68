import { Writable } from 'node:stream';
import { createLogger, errorFields } from './logging';

/* The factory's line shape and its safety net, read back from a stream as a log collector would. */

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let output = '';
  const stream = new Writable({ write: (chunk, _encoding, done) => ((output += String(chunk)), done()) });
  const lines = () =>
    output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

class QueryFailed extends Error {
  readonly code = '23505';
  readonly parameters = ['buyer@example.com', '0912345678'];
  readonly query = 'INSERT INTO buyers VALUES ($1, $2)';
}

it('writes one JSON line per call with name, level and message (a stream destination is never pretty)', () => {
  const { stream, lines } = capture();
  const log = createLogger({ name: 'spec', destination: stream });
  log.info({ operation_id: 'op-1' }, 'done');
  log.debug('below the default level');
  expect(lines()).toEqual([
    expect.objectContaining({ name: 'spec', level: 30, msg: 'done', operation_id: 'op-1' }),
  ]);
});

it('honours the level, silent included', () => {
  const { stream, lines } = capture();
  createLogger({ name: 'spec', destination: stream, level: 'debug' }).debug('seen');
  createLogger({ name: 'spec', destination: stream, level: 'silent' }).fatal('unseen');
  expect(lines().map((line) => line.msg)).toEqual(['seen']);
});

it('logs an error under err as type, message, code and stack only: no query, no parameters', () => {
  const { stream, lines } = capture();
  createLogger({ name: 'spec', destination: stream }).error(
    { err: new QueryFailed('duplicate key') },
    'failed',
  );
  const [line] = lines();
  expect(line?.err).toEqual({
    type: 'QueryFailed',
    message: 'duplicate key',
    code: '23505',
    stack: expect.stringContaining('duplicate key'),
  });
  expect(JSON.stringify(line)).not.toMatch(/buyer@example\.com|0912345678|INSERT INTO/);
});

it('reads a thrown non-Error as its type and text', () => {
  expect(errorFields('boom')).toEqual({ type: 'string', message: 'boom' });
  expect(errorFields(undefined)).toEqual({ type: 'undefined', message: 'undefined' });
  expect(errorFields(Object.assign(new Error('x'), { code: { nested: true } }))).not.toHaveProperty('code');
});

it('redacts headers, bodies, authorization, idempotency keys and envelopes whatever the caller passes', () => {
  const { stream, lines } = capture();
  createLogger({ name: 'spec', destination: stream }).info(
    {
      headers: { authorization: 'Bearer secret-1' },
      body: { card: '4111' },
      authorization: 'Bearer secret-2',
      request: {
        headers: { cookie: 'c' },
        body: 'raw',
        authorization: 'Bearer secret-3',
        'idempotency-key': 'idem-secret',
        encry_data: 'envelope-secret',
        user_data: { user_name: 'A buyer' },
      },
      order_id: 'kept',
    },
    'request',
  );
  const text = JSON.stringify(lines());
  for (const secret of [
    'secret-1',
    '4111',
    'secret-2',
    'cookie',
    'raw',
    'secret-3',
    'idem-secret',
    'envelope-secret',
    'A buyer',
  ])
    expect(text).not.toContain(secret);
  expect(lines()[0]).toMatchObject({ order_id: 'kept', authorization: '[redacted]' });
});
