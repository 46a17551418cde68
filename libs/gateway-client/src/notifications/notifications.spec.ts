import { encryptJson, KeyRing } from '@tixclear/crypto';
import { SAMPLE_STORE_KEY, seed000Answers, seed001Answers } from '../testing/seed-samples';
import { httpBuildQuery } from '../wire/php-form';
import {
  detectNotificationKind,
  NOTIFICATION_ACK,
  notificationAck,
  NotificationInvalidError,
  parseNotification,
  readNotificationFields,
} from './notifications';

const form = (value: Record<string, unknown>): string => httpBuildQuery(value);

const redemptionReport = JSON.parse(seed000Answers.redemptionResponse) as Record<string, unknown>;
const purchaseReport = (
  JSON.parse(seed000Answers.purchaseQueryResponse) as { content: Record<string, unknown> }
).content;
const refundReport = JSON.parse(seed000Answers.refundResponse) as Record<string, unknown>;
const paymentReport = JSON.parse(seed001Answers.queryOrderResponse) as Record<string, unknown>;

describe('readNotificationFields', () => {
  it('refuses a form key nested thousands deep as an unreadable body', () => {
    let refused: unknown;
    try {
      readNotificationFields(`order_id=1&zz${'[0]'.repeat(100_000)}=1`);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(NotificationInvalidError);
    expect((refused as NotificationInvalidError).reason).toBe('unreadable_body');
  });
});

describe('parseNotification', () => {
  it('reads a redemption report sent as JSON', () => {
    const notification = parseNotification({
      body: JSON.stringify(redemptionReport),
      contentType: 'application/json',
    });
    expect(notification.kind).toBe('redemption');
    if (notification.kind !== 'redemption') return;
    expect(notification.report.code).toBe('250');
    expect(notification.report.items?.[0]?.fee?.reimbursement).toBe(35);
    expect(notification.report.reimbursement_date?.toISOString()).toBe('2021-09-17T05:48:15.000Z');
  });

  it('reads the same report form-encoded (all values strings) to the same normalised value', () => {
    const fromJson = parseNotification({ body: JSON.stringify(redemptionReport) });
    const fromForm = parseNotification({
      body: form(redemptionReport),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(fromForm.kind).toBe('redemption');
    expect(fromForm.report).toEqual(fromJson.report);
  });

  it('reads a form whose items travel as JSON text', () => {
    const body = form({ ...refundReport, items: JSON.stringify(refundReport.items) });
    const notification = parseNotification({ body });
    expect(notification.kind).toBe('refund');
    if (notification.kind === 'refund')
      expect(notification.report.items).toEqual([{ id: 'H01', serial_number: 'A00052' }]);
  });

  it('reads a purchase report: amounts and finishtime normalised', () => {
    const notification = parseNotification({ body: form(purchaseReport) });
    expect(notification.kind).toBe('purchase');
    if (notification.kind !== 'purchase') return;
    expect(notification.report.actual_cost).toBe(100);
    expect(notification.report.finishtime?.toISOString()).toBe('2021-09-16T08:42:12.000Z');
  });

  it('reads a PayPage payment report (prc)', () => {
    const notification = parseNotification({ body: form(paymentReport) });
    expect(notification.kind).toBe('payment');
    if (notification.kind === 'payment') {
      expect(notification.report.prc).toBe('250');
      expect(notification.report.uid).toBe('59665');
    }
  });

  it('reads an e-wallet binding report', () => {
    const body = form({
      pfn: 'CREDITCARD',
      cardno: '493817******0003',
      user_id: 'phper',
      virtual_pan: 'VP1',
      enable: '1',
    });
    expect(parseNotification({ body }).kind).toBe('ewallet');
  });

  it('takes the kind from the caller when given', () => {
    expect(parseNotification({ body: form(purchaseReport), kind: 'purchase' }).kind).toBe('purchase');
  });

  it('opens a report that carries encry_data (defensive; the seeds do not encrypt reports)', () => {
    const keyRing = new KeyRing([
      {
        id: 'k1',
        secret: SAMPLE_STORE_KEY,
        validFrom: new Date('2020-01-01T00:00:00Z'),
        validUntil: new Date('2030-01-01T00:00:00Z'),
      },
    ]);
    const body = form({ encry_data: encryptJson(redemptionReport, SAMPLE_STORE_KEY) });
    const notification = parseNotification({ body, keyRing, at: new Date('2024-01-01T00:00:00Z') });
    expect(notification.kind).toBe('redemption');
    expect(() => parseNotification({ body: form({ encry_data: 'AAAA' }), keyRing })).toThrow(
      NotificationInvalidError,
    );
  });

  it.each([
    ['an unknown kind', 'foo=bar', 'unknown_kind'],
    ['broken JSON', '{"code":', 'unreadable_body'],
    ['a JSON list', '[1]', 'unreadable_body'],
    ['a bad field', form({ ...redemptionReport, reimbursement_date: '20210230000000' }), 'schema_mismatch'],
  ])('refuses %s', (_name, body, reason) => {
    let caught: unknown;
    try {
      parseNotification({ body });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotificationInvalidError);
    expect(caught).toMatchObject({ code: 'NOTIFICATION_INVALID', reason });
  });

  it('names the bad field', () => {
    expect(() => parseNotification({ body: form({ ...redemptionReport, reimbursement_date: 'x' }) })).toThrow(
      expect.objectContaining({ field: 'reimbursement_date' }) as Error,
    );
  });

  it('detects kinds by their own fields', () => {
    expect(detectNotificationKind({ prc: '250' })).toBe('payment');
    expect(detectNotificationKind({ reimbursement_date: '' })).toBe('redemption');
    expect(detectNotificationKind({ refund_date: '' })).toBe('refund');
    expect(detectNotificationKind({ order_id: 'o', code: '250', finishtime: '' })).toBe('purchase');
    expect(detectNotificationKind({ order_id: 'o' })).toBeUndefined();
  });
});

describe('acknowledgement', () => {
  it('is the body 8888', () => {
    expect(NOTIFICATION_ACK).toBe('8888');
    expect(notificationAck()).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '8888',
    });
  });
});
