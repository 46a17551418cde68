/*
 * The examples of the OpenAPI document: requests and answers as a run of `npm start` (the gateway simulator,
 * the sample partner) sent and received them, so that a partner can start from them. openapi-examples.spec.ts
 * checks each against the schema the API validates it with.
 */

const ITEM = { id: 'H01', serial_number: 'QS1' };
const SHARING = { headquarters: 0.15, sales: 0.1, reimbursement: 0.75 };
const FEE = {
  cost: 50,
  gateway_fee: 1,
  escrow_fee: 1,
  issuance_layer: 2,
  issuance_fee: 1,
  headquarters: 7,
  sales: 5,
  reimbursement: 35,
};
const ECHO = { echo_0: '', echo_1: '', echo_2: '', echo_3: '', echo_4: '' };

const PAY_ITEM = { id: 'P01', name: 'Concert ticket', cost: 500, amount: 2, total: 1000 };

/** The PayPage (seed 001) and e-ticket refund (seed 003) requests, by schema name. */
const paymentRequestExamples = {
  PaymentRequest: {
    order_id: 'QS-PAY1',
    user_id: 'u1',
    cost: 1000,
    currency: 'TWD',
    ip: '127.0.0.1',
    pfn: 'CREDITCARD',
    items: [PAY_ITEM],
  },
  PaymentRefundRequest: { refund_order_id: 'QS-PAY1-R1', cost: 500 },
  ETicketRefundRequest: { refund_order_id: 'QS-E1', order_id: 'QS-P1', cost: 50, device_id: 'POS01' },
  CaptureRequest: { cost: 1000 },
  InvoiceIssueRequest: { invoice_input_type: 1, invoice_cloud_type: 4 },
  EmptyRequest: {},
  DirectDebitStopRequest: { group_id: 'D0000081127', stop_time: '20270101', stop_reason: 'cancelled' },
  EwalletBindingRequest: { user_id: 'u1', ip: '127.0.0.1', pfn: 'CREDITCARD' },
};

const PAID = {
  uid: '81127',
  key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
  prc: '250',
  finishtime: '20261206120502',
  cardno: '493817******0003',
  acode: '123456',
  order_id: 'QS-PAY1',
  user_id: 'u1',
  cost: 1000,
  currency: 'TWD',
  actual_cost: 1000,
  actual_currency: 'TWD',
  retmsg: '付款完成',
  pfn: 'CREDITCARD',
  refund_order: [],
  ...ECHO,
};

const REFUND_ROW = {
  uid: '81127',
  refund_uid: '81131',
  key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
  prc: '230',
  finishtime: '20261206121010',
  order_id: 'QS-PAY1',
  user_id: 'u1',
  cost: 500,
  currency: 'TWD',
  actual_cost: 500,
  actual_currency: 'TWD',
  retmsg: '退款成功',
  pfn: 'CREDITCARD',
  refund_type: 1,
  ...ECHO,
};

const INVOICE = {
  state: '2',
  date: '20261206121500',
  wordtrack: 'AB',
  number: '12345678',
  rand_code: '4321',
  amount: 1000,
  sales_amount: 952,
  tax_amount: 48,
};

/** The PayPage and e-ticket refund answers, by schema name. */
const paymentAnswerExamples = {
  Capture: {
    data: {
      code: 'B200',
      msg: '執行成功,請款處理進行中。',
      content: { ...PAID, prc: '247', actual_cost: 0 },
    },
  },
  AuthorizationCancel: {
    data: { code: 'B200', msg: '執行成功,取消授權完成', content: { ...PAID, prc: '300', actual_cost: 0 } },
  },
  RefundCancel: {
    data: {
      code: 'B200',
      msg: '執行成功',
      uid: '81127',
      key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
      row_data: { ...REFUND_ROW, prc: '220', retmsg: '取消成功', actual_cost: 0 },
    },
  },
  InvoiceIssue: {
    data: {
      code: 'B200',
      msg: '執行成功',
      uid: '81127',
      key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
      order_id: 'QS-PAY1',
      ...INVOICE,
    },
  },
  Invoice: {
    data: {
      uid: '81127',
      key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
      prc: '250',
      order_id: 'QS-PAY1',
      cost: 1000,
      ...INVOICE,
      ...ECHO,
    },
  },
  DirectDebitStop: {
    data: { code: 'B200', msg: '執行成功', order_id: 'QS-PAY1', group_id: 'D0000081127' },
  },
  EwalletBinding: {
    data: { code: 'B200', msg: '執行成功', url: 'https://pay.usecase.cc/ewallet/81140.html' },
  },
  PayModes: { data: { code: 'B200', msg: '執行成功', content: ['CREDITCARD', 'CSTORECODE', 'WEBATM'] } },
  Payment: {
    data: {
      code: '200',
      msg: '資料正確',
      uid: '81127',
      key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
      url: 'https://pay.usecase.cc/payment/81127.html',
    },
  },
  PaymentQuery: { data: PAID },
  PaymentRefund: {
    data: {
      code: 'B200',
      msg: '執行成功',
      uid: '81127',
      key: '9f0f1d8c6e2a4b7d8e3c5a1b2d4f6e8a',
      row_data: REFUND_ROW,
    },
  },
  ETicketRefund: {
    data: {
      code: 'B200',
      msg: '執行成功',
      uid: '100',
      key: '35c8cada66998406f5582925aa04322d1ffd57ed',
      row_data: {
        uid: '100',
        refund_uid: '104',
        key: '35c8cada66998406f5582925aa04322d1ffd57ed',
        code: '230',
        msg: '退款成功',
        finishtime: '20261206121010',
        order_id: 'QS-P1',
        user_id: 'u1',
        cost: '50',
        currency: 'TWD',
        actual_cost: '50',
        actual_currency: 'TWD',
        pfn: 'CREDITCARD',
        ...ECHO,
      },
    },
  },
};

/** The request bodies, by schema name. */
export const requestExamples = {
  PurchaseRequest: {
    order_id: 'QS-P1',
    pfn: '0',
    cost: 100,
    currency: 'TWD',
    user_data: { user_id: 'u1', user_name: 'A buyer', ip: '127.0.0.1' },
    items: [
      {
        id: 'H01',
        name: 'Lunch voucher',
        amount: 2,
        price: 50,
        cost: 50,
        total_price: 100,
        total_cost: 100,
        gift_number: 0,
        trust_start_date: '20260101',
        trust_end_date: '20991231',
        is_custom_serial: 1,
        serial_numbers: '["QS1","QS2"]',
        gift_serial_numbers: '[]',
        sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
      },
    ],
    declarations: [{ name: 'Lunch voucher', content: 'One lunch.' }],
  },
  RedemptionRequest: { order_id: 'QS-R1', user_id: 'u1', ip: '127.0.0.1', items: [ITEM] },
  OfflineRedemptionRequest: {
    order_id: 'QS-O1',
    pay_token: 'MYTIXW7REQSEHPEGV13TY',
    reimbursement_from_type: 1,
    reimbursement_store_uid: '289151880142',
    pos_trade_time: '20261206120000',
    pos_id: 'POS01',
    clerk_no: 'C07',
  },
  RefundRequest: { order_id: 'QS-F1', items: [{ id: 'H01', serial_number: 'QS2' }] },
  ...paymentRequestExamples,
  EnvelopeRequest: {
    store_uid: '289151880142',
    service: 'j0sVWzYuLx0NfQrc7rks8AWDArNPc4n+VwlMz66l4nef77aJzObwWPb2SfJ0XHwW9oF8gyqu4viJ4o6/uS8IRA==',
    encry_data: '6DHerkjI2SvmBrURNjerea8SznxgOUBKuVoh+aYmWavwOXN0FwQJF3Z5og1c9gk81Mxu+y4FgR9mzgvyeEqgPw==',
  },
} as const;

/**
 * More request bodies, shown beside the one of the same name: a store-mode partner may leave the numbering to
 * the gateway (is_custom_serial 0, no serial_numbers; docs/protocol.md §8).
 */
export const moreRequestExamples = {
  PurchaseRequest: {
    PurchaseRequestGatewaySerials: {
      summary: 'Store mode: the gateway numbers the vouchers (is_custom_serial 0)',
      value: {
        ...requestExamples.PurchaseRequest,
        order_id: 'QS-P2',
        items: [
          {
            id: 'H01',
            name: 'Lunch voucher',
            amount: 2,
            price: 50,
            cost: 50,
            total_price: 100,
            total_cost: 100,
            gift_number: 0,
            trust_start_date: '20260101',
            trust_end_date: '20991231',
            is_custom_serial: 0,
            sharing: { headquarters: '0.15', sales: '0.1', reimbursement: '0.75' },
          },
        ],
      },
    },
  },
} as const;

const REDEEMED = {
  order_id: 'QS-R1',
  uid: '101',
  key: '5e47840f16dd9b67a943838ad799816d',
  code: '250',
  msg: '核銷成功',
  reimbursement_date: '20261206032105',
  items: [{ ...ITEM, is_paid: 1, sharing: SHARING, fee: FEE }],
  ...ECHO,
};

/** The answers, by schema name. */
export const answerExamples = {
  Purchase: {
    data: {
      code: '200',
      msg: '資料正確',
      uid: '100',
      key: '35c8cada66998406f5582925aa04322d1ffd57ed',
      url: 'http://127.0.0.1:4010/voucher/100.html',
    },
  },
  Redemption: { data: REDEEMED },
  OfflineRedemption: {
    data: {
      code: 'B200',
      msg: '執行成功',
      content: {
        uid: '104',
        key: '55923c23ea5724315dcb006e40e4d9e0',
        order_id: 'QS-O1',
        code: '250',
        msg: '核銷成功',
        finishtime: '20261206032325',
        pay_token: 'MYTIXW7REQSEHPEGV13TY',
        pos_trade_time: '20261206120000',
        pos_id: 'POS01',
        clerk_no: 'C07',
        items: [
          {
            issuance_uid: '289151880142',
            id: 'H01',
            name: 'Lunch voucher',
            products: [{ amount: 1, cost: 50, price: 50, total_cost: 50, total_price: 50 }],
            vouchers: [
              {
                serial_no: 'TX0000000003',
                custom_serial_no: 'QS9',
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
        issuance_uid: '',
        reimbursement_order_id: '',
        issue_invoice_state: 0,
        invoice: null,
        ...ECHO,
      },
    },
  },
  Refund: {
    data: {
      code: '230',
      msg: '退款成功',
      uid: '102',
      key: 'a49a20e0ed84aec7f3c62ef788381b5d',
      order_id: 'QS-F1',
      refund_date: '20261206032105',
      items: [{ id: 'H01', serial_number: 'QS2' }],
      ...ECHO,
    },
  },
  PurchaseQuery: {
    data: {
      code: 'B200',
      msg: '執行成功',
      content: {
        uid: '100',
        key: '35c8cada66998406f5582925aa04322d1ffd57ed',
        code: '250',
        msg: '付款完成',
        finishtime: '20261206032059',
        order_id: 'QS-P1',
        user_id: 'u1',
        cost: 100,
        currency: 'TWD',
        actual_cost: 100,
        actual_currency: 'TWD',
        pfn: 'CREDITCARD',
        ...ECHO,
      },
    },
  },
  RedemptionQuery: { data: { code: 'B200', msg: '執行成功', content: REDEEMED } },
  RefundQuery: {
    data: {
      code: 'B200',
      msg: '執行成功',
      content: {
        order_id: 'QS-F1',
        uid: '102',
        key: 'a49a20e0ed84aec7f3c62ef788381b5d',
        code: '230',
        msg: '退款成功',
        refund_date: '20261206032105',
        items: [{ id: 'H01', serial_number: 'QS2' }],
        ...ECHO,
      },
    },
  },
  ReportsResent: {
    data: {
      order_id: 'QS-R1',
      reports: [{ id: '0f8e7c52-3f4e-4a53-9a57-1d2c3b4a5e6f', event: 'redemption' }],
    },
  },
  Pending: { status: 'pending', message: 'the outcome is not known yet; read the order' },
  ...paymentAnswerExamples,
  /** What the gateway itself would answer: here, a query of the redemption above. */
  EnvelopeAnswer: { code: 'B200', msg: '執行成功', content: REDEEMED },
} as const;

/** One error answer per HTTP status, as the API sends them. */
export const errorExamples: Readonly<Record<number, object>> = {
  400: {
    error: {
      code: 'REQUEST_INVALID',
      field: 'ip',
      message: 'Invalid input: expected string, received undefined',
    },
  },
  401: { error: { code: 'UNAUTHENTICATED', message: 'missing, unknown or revoked API key' } },
  404: { error: { code: 'ORDER_NOT_FOUND', message: 'no such order' } },
  409: {
    error: {
      code: 'VOUCHER_UNAVAILABLE',
      field: 'items[0].serial_number',
      message: 'voucher QS1 is redeemed',
    },
  },
  413: { error: { code: 'BODY_TOO_LARGE', message: 'the body is larger than the limit' } },
  415: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content type' } },
  422: {
    error: { code: 'GATEWAY_REFUSED', gateway_code: '300', message: '核銷失敗' },
    data: { code: '300', msg: '核銷失敗', order_id: 'QS-R1' },
  },
  503: {
    error: { code: 'GATEWAY_UNAVAILABLE', message: 'the gateway did not answer; retry with the same key' },
  },
};

/** An envelope door answer for an envelope that does not open (always this one, whatever the reason). */
export const envelopeRefusalExample = {
  code: '100',
  msg: 'encry_data: the envelope cannot be opened',
  field: 'encry_data',
  error_code: 'ENVELOPE_INVALID',
} as const;
