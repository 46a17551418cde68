import { decodeBase64Strict, encodeBase64 } from './base64';

describe('decodeBase64Strict', () => {
  it.each([
    ['', ''],
    ['QQ==', '41'],
    ['QUI=', '4142'],
    ['QUJD', '414243'],
    ['+/+/', 'fbffbf'],
  ])('decodes canonical %j', (text, hex) => {
    expect(decodeBase64Strict(text)?.toString('hex')).toBe(hex);
  });

  it.each([
    ['a character outside the alphabet', 'QU*D'],
    ['junk Node would skip', 'QUJD!!!!'],
    ['the URL-safe alphabet', '-_-_'],
    ['a space (a form-decoded "+")', 'QU D'],
    ['a line break', 'QUJD\nQUJD'],
    ['missing padding', 'QQ'],
    ['padding in the middle', 'QQ==QUJD'],
    ['too much padding', 'Q==='],
    ['only padding', '===='],
    ['non-zero unused bits', 'QR=='],
    ['non-zero unused bits after one pad', 'QUJ='],
  ])('rejects %s', (_label, text) => {
    expect(decodeBase64Strict(text)).toBeUndefined();
  });

  it('round-trips with encodeBase64, also for a view into a larger buffer', () => {
    const bytes = Buffer.from('00ff10203040', 'hex').subarray(1, 5);
    const text = encodeBase64(bytes);
    expect(text).toBe(Buffer.from('ff102030', 'hex').toString('base64'));
    expect(decodeBase64Strict(text)).toEqual(Buffer.from('ff102030', 'hex'));
  });
});
