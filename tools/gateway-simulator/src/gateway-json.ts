/*
 * The gateway is a PHP application: its answers are json_encode() output, which escapes `/` as `\/` (see the
 * seed's `"url": "https:\/\/pay.usecase.cc\/voucher\/93.html"`). We answer the same way so that clients are
 * tested against the escapes they will meet; any JSON parser reads them. A `/` can only occur inside a string in
 * JSON text, so the replacement cannot touch anything else. Chinese stays as is, as the samples print it
 * (`"msg": "資料正確"`, i.e. JSON_UNESCAPED_UNICODE).
 */
export function gatewayJsonEncode(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}
