import { z } from 'zod';
import { esvcRefundResponseSchema } from './esvcrefund';
import { payoffResponseSchema } from './payoff-batch';
import { voucherOfflineResponseSchema } from './voucheroffline';

/* Answers of seeds 002-004, built from their field tables (the seeds print no sample answers for them). */

describe('offline redemption answer (seed 002)', () => {
  const wire = {
    code: 'B200',
    msg: '執行成功',
    content: {
      uid: '501',
      key: 'abc',
      order_id: 'OFF-1',
      code: '250',
      msg: '核銷成功',
      finishtime: '20240105123001',
      pay_token: '["WU00000001"]',
      pos_trade_time: '20240105123000',
      pos_id: 'P1',
      clerk_no: 'C1',
      items: [
        {
          issuance_uid: '123',
          id: 'H01',
          name: '用餐券',
          products: [{ amount: 1, cost: 50.0, price: '50', total_cost: 50, total_price: 50 }],
          vouchers: [
            {
              serial_no: 'S1',
              custom_serial_no: 'WU00000001',
              book_no: '',
              sales_from_type: 1,
              sales_store_uid: '289151880142',
              sales_dealer_no: '',
              cost: 50,
              price: 50,
            },
          ],
        },
      ],
      reimbursement_from_type: 1,
      reimbursement_store_uid: '289151880142',
      reimbursement_dealer_no: '',
      issuance_uid: '123',
      reimbursement_order_id: '',
      issue_invoice_state: 0,
      invoice: null,
      echo_0: '',
    },
  };

  it('normalises the content: list token, instants, whole TWD', () => {
    const answer = voucherOfflineResponseSchema.parse(wire);
    expect(answer.content?.pay_token).toEqual(['WU00000001']);
    expect(answer.content?.finishtime?.toISOString()).toBe('2024-01-05T04:30:01.000Z');
    expect(answer.content?.items?.[0]?.products[0]?.price).toBe(50);
    expect(answer.content?.items?.[0]?.vouchers[0]?.sales_from_type).toBe(1);
    expect(answer.content?.invoice).toBeNull();
  });
});

describe('e-ticket refund answer (seed 003)', () => {
  it('reads the row of a successful refund and a failure without one', () => {
    const ok = esvcRefundResponseSchema.parse({
      key: 'k',
      uid: '88833',
      code: 'B200',
      msg: 'ok',
      row_data: {
        uid: '88833',
        refund_uid: 88834,
        key: 'k',
        code: '230',
        msg: '',
        finishtime: '20240105120000',
        cost: '40',
        actual_cost: '40',
      },
    });
    expect(ok.row_data?.refund_uid).toBe('88834');
    expect(ok.row_data?.actual_cost).toBe(40);
    const failed = esvcRefundResponseSchema.parse({ key: 'k', uid: '1', code: 'B500', msg: 'no' });
    expect(failed.row_data).toBeUndefined();
  });
});

describe('pay-off batch answer (seed 004)', () => {
  it('reads the batch and its items; finished_date empty until remitted', () => {
    const wire = {
      code: 'B200',
      msg: 'ok',
      content: {
        uid: '9',
        key: 'k',
        code: 'S05',
        msg: '部分撥款完成',
        store_uid: '289151880142',
        group_id: 'G1',
        items: [
          { id: 'P1', user_id: 'u1', money: 100, finished_date: '20240105100000', code: 'C1001', msg: '' },
          { id: 'P2', user_id: 'u2', money: '250', finished_date: '', code: 'C2001', msg: '帳號錯誤' },
        ],
      },
    };
    const answer = payoffResponseSchema.parse(wire);
    expect(answer.content?.items.map((i) => [i.money, i.finished_date?.toISOString() ?? null])).toEqual([
      [100, '2024-01-05T02:00:00.000Z'],
      [250, null],
    ]);
    expect(z.encode(payoffResponseSchema, answer).content?.items[1]?.finished_date).toBe('');
  });
});
