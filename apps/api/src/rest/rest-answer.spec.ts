import { inProgress, OperationError, OperationErrorCode } from '@tixclear/operations';
import { answerForBody, answerForError, isFinal } from './rest-answer';
import { RestError, RestErrorCode } from './rest-errors';

describe('answerForBody', () => {
  it('wraps a success in data: 201 for a new operation, 200 for a replay', () => {
    const body = { code: '250', msg: 'ok', order_id: 'R1', items: [] };
    expect(
      answerForBody('vouchertransaction', body, { status: 201, location: '/v1/redemptions/R1' }),
    ).toEqual({
      status: 201,
      body: { data: body },
      location: '/v1/redemptions/R1',
      outcome: 'succeeded',
    });
    expect(answerForBody('vouchertransaction', body, { status: 200 }).status).toBe(200);
  });

  it('answers a refusal by the gateway with 422 GATEWAY_REFUSED and its code', () => {
    const answer = answerForBody(
      'vouchertransaction',
      { code: '300', msg: 'used', order_id: 'R1' },
      { status: 201 },
    );
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error: { code: 'GATEWAY_REFUSED', gateway_code: '300' } });
    expect(answer.outcome).toBe('refused');
  });

  it('reads the offline answer inside content: B200 with content.code 300 is a refusal', () => {
    const ok = answerForBody('voucheroffline', { code: 'B200', content: { code: '250' } }, { status: 201 });
    expect(ok.status).toBe(201);
    const refused = answerForBody(
      'voucheroffline',
      { code: 'B200', content: { code: '300' } },
      { status: 201 },
    );
    expect(refused.body).toMatchObject({ error: { gateway_code: '300' } });
    const failed = answerForBody('voucheroffline', { code: '300', msg: 'unknown token' }, { status: 201 });
    expect(failed.body).toMatchObject({ error: { gateway_code: '300' } });
  });

  it('treats a query as answered when the gateway answers B200, whatever the order state inside', () => {
    const answer = answerForBody(
      'voucherservicequery',
      { code: 'B200', content: { code: '300' } },
      { status: 200 },
    );
    expect(answer.status).toBe(200);
    expect(answerForBody('voucherquery', { code: 'B500', msg: 'unknown' }, { status: 200 }).status).toBe(422);
  });
});

describe('answerForError', () => {
  it.each([
    [OperationErrorCode.RequestInvalid, 400],
    [OperationErrorCode.OrderConflict, 409],
    [OperationErrorCode.OrderNotFound, 404],
    [OperationErrorCode.VoucherUnavailable, 409],
    [OperationErrorCode.GatewayUnavailable, 503],
  ])('maps %s to %i with its code and field', (code, status) => {
    const { answer, expected } = answerForError(new OperationError(code, 'x: no', 'x'));
    expect(expected).toBe(true);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, field: 'x', message: 'x: no' } });
  });

  it('answers an outcome not known yet with 202 pending and the order to read', () => {
    const { answer } = answerForError(inProgress(), '/v1/refunds/F1');
    expect(answer).toMatchObject({ status: 202, body: { status: 'pending' }, location: '/v1/refunds/F1' });
  });

  it('maps the REST codes by their table, and anything else to a 500 to log', () => {
    expect(answerForError(new RestError(RestErrorCode.IdempotencyKeyReused, 'no')).answer.status).toBe(409);
    const internal = answerForError(new TypeError('boom'));
    expect(internal.expected).toBe(false);
    expect(internal.answer).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL' } } });
    expect(JSON.stringify(internal.answer.body)).not.toContain('boom');
  });
});

describe('isFinal', () => {
  it('keeps successes, gateway refusals and refusals a retry would get again', () => {
    expect(isFinal(answerForBody('voucherrefund', { code: '230' }, { status: 201 }))).toBe(true);
    expect(isFinal(answerForBody('voucherrefund', { code: '300' }, { status: 201 }))).toBe(true);
    expect(isFinal(answerForError(new OperationError(OperationErrorCode.RequestInvalid, 'no')).answer)).toBe(
      true,
    );
    expect(isFinal(answerForError(new OperationError(OperationErrorCode.OrderConflict, 'no')).answer)).toBe(
      true,
    );
  });

  it('keeps nothing a retry may change: pending, busy vouchers, outages, our own failures', () => {
    expect(isFinal(answerForError(inProgress()).answer)).toBe(false);
    expect(
      isFinal(answerForError(new OperationError(OperationErrorCode.VoucherUnavailable, 'busy')).answer),
    ).toBe(false);
    expect(
      isFinal(answerForError(new OperationError(OperationErrorCode.GatewayUnavailable, 'down')).answer),
    ).toBe(false);
    expect(isFinal(answerForError(new Error('bug')).answer)).toBe(false);
  });
});
