import { checkReportUrl, ReportUrlError } from './report-url';

/* Report URLs: https anywhere, plain http only to loopback and only when development allows it. */

const dev = { allowLoopbackHttp: true };

it('takes https, and http to loopback only in development', () => {
  expect(checkReportUrl('https://partner.example/reports').href).toBe('https://partner.example/reports');
  for (const url of [
    'http://127.0.0.1:8080/r',
    'http://127.1.2.3/r',
    'http://localhost/r',
    'http://[::1]/r',
  ]) {
    expect(checkReportUrl(url, dev).protocol).toBe('http:');
    expect(() => checkReportUrl(url)).toThrow(ReportUrlError);
  }
});

it('refuses hosts that only look like loopback, other schemes, credentials and junk', () => {
  for (const url of [
    'http://127.0.0.1.nip.io/r',
    'http://localhost.partner.example/r',
    'http://[::ffff:127.0.0.1]/r',
    'http://10.0.0.1/r',
    'ftp://partner.example/r',
    'https://user:secret@partner.example/r',
    'not a url',
    `https://partner.example/${'a'.repeat(500)}`,
  ])
    expect(() => checkReportUrl(url, dev)).toThrow(ReportUrlError);
});
