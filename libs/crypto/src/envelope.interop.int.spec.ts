import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { decryptEnvelope, decryptJson, encryptEnvelope, encryptJson } from './envelope';

/*
 * Interoperability with an implementation that is not ours: the OpenSSL command line (the PHP sample calls the
 * same library through openssl_encrypt). OpenSSL does the AES, the PKCS#7 padding and the base64; we only
 * glue the IV in front, exactly as 附錄四 describes. An integration spec because it runs an external binary.
 */

const OPENSSL = '/usr/bin/openssl';
const KEY = 'tixclear-fixed-vector-key-32byte';
const KEY_HEX = Buffer.from(KEY, 'utf8').toString('hex');
const FIXED_IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

function openssl(args: readonly string[], input: Buffer | string): Buffer {
  return execFileSync(OPENSSL, args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** What a PHP client sends: base64_encode($iv . openssl_encrypt($json, 'AES-256-CBC', $key, OPENSSL_RAW_DATA, $iv)). */
function opensslEnvelope(plaintext: Buffer | string, iv: Buffer = randomBytes(16)): string {
  const ciphertext = openssl(['enc', '-aes-256-cbc', '-K', KEY_HEX, '-iv', iv.toString('hex')], plaintext);
  return openssl(['base64', '-A'], Buffer.concat([iv, ciphertext]))
    .toString('utf8')
    .trim();
}

/** The reverse: OpenSSL decodes the base64, we split off the IV, OpenSSL decrypts and unpads. */
function opensslOpen(envelope: string): Buffer {
  const bytes = openssl(['base64', '-d', '-A'], envelope);
  const iv = bytes.subarray(0, 16).toString('hex');
  return openssl(['enc', '-d', '-aes-256-cbc', '-K', KEY_HEX, '-iv', iv], bytes.subarray(16));
}

const CHINESE = {
  store_uid: '398800730001',
  items: [{ id: 'A1', name: '電影票券', note: '台北信義店／全家' }],
};
const PHP_ESCAPED = String.raw`{"url":"https:\/\/x","name":"\u7968\u5238"}`;

describe('interop with the openssl CLI', () => {
  it('reproduces a fixed vector byte for byte (fixed key and IV)', () => {
    const json =
      '{"store_uid":"398800730001","order_id":"T20250101000001","items":[{"id":"A1","name":"票券"}]}';
    // Produced once with: openssl enc -aes-256-cbc -K <hex key> -iv 000102...0f | prefixed IV | openssl base64 -A
    const expected =
      'AAECAwQFBgcICQoLDA0ODxnl6Zgwc8DYZ3obDfNREdW21UvsP1F4A2+jPnbWHoAaWSWdQbSrrLxsih24ey+nmay52vN8BK1cVcxqGuBCJu76madKaoYNblsKfe5XmLWzNLd8GUinJxQRWcForWzxHw==';
    expect(opensslEnvelope(json, FIXED_IV)).toBe(expected);
    expect(encryptEnvelope(json, KEY, FIXED_IV)).toBe(expected);
    expect(encryptJson(JSON.parse(json), KEY, FIXED_IV)).toBe(expected);
    expect(Buffer.from(encryptEnvelope(json, KEY, FIXED_IV), 'base64')).toEqual(
      Buffer.concat([
        FIXED_IV,
        openssl(['enc', '-aes-256-cbc', '-K', KEY_HEX, '-iv', FIXED_IV.toString('hex')], json),
      ]),
    );
  });

  it('opens Chinese JSON that openssl encrypted', () => {
    const envelope = opensslEnvelope(JSON.stringify(CHINESE));
    expect(decryptJson(envelope, KEY)).toEqual(CHINESE);
  });

  it('opens PHP-style escaped JSON that openssl encrypted, to the right values', () => {
    const envelope = opensslEnvelope(PHP_ESCAPED);
    expect(decryptJson(envelope, KEY)).toEqual({ url: 'https://x', name: '票券' });
    expect(decryptEnvelope(envelope, KEY)).toBe(PHP_ESCAPED);
  });

  it('openssl opens what we encrypt, Chinese included, to the same UTF-8 bytes', () => {
    const plain = opensslOpen(encryptJson(CHINESE, KEY));
    expect(plain).toEqual(Buffer.from(JSON.stringify(CHINESE), 'utf8'));
    expect(JSON.parse(plain.toString('utf8'))).toEqual(CHINESE);
  });

  it('openssl opens PHP-style escaped JSON that we encrypted', () => {
    const plain = opensslOpen(encryptEnvelope(PHP_ESCAPED, KEY));
    expect(plain.toString('utf8')).toBe(PHP_ESCAPED);
    expect(JSON.parse(plain.toString('utf8'))).toEqual({ url: 'https://x', name: '票券' });
  });

  it('agrees on padding at every length around block boundaries, both ways', () => {
    for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 47, 48]) {
      const text = '票'.repeat(Math.floor(length / 3)) + 'x'.repeat(length % 3); // exactly `length` UTF-8 bytes
      expect(Buffer.byteLength(text)).toBe(length);
      const iv = randomBytes(16);
      expect(encryptEnvelope(text, KEY, iv)).toBe(opensslEnvelope(text, iv));
      expect(decryptEnvelope(opensslEnvelope(text), KEY)).toBe(text);
      expect(opensslOpen(encryptEnvelope(text, KEY)).toString('utf8')).toBe(text);
    }
  });

  it('opens service and encry_data sharing one IV, as the C# sample sends them', () => {
    const iv = randomBytes(16);
    const service = opensslEnvelope('{"service_name":"api","cmd":"api/voucherservicequery"}', iv);
    const data = opensslEnvelope('{"store_uid":"398800730001","order_id":"票券訂單001"}', iv);
    expect(decryptJson(service, KEY)).toEqual({ service_name: 'api', cmd: 'api/voucherservicequery' });
    expect(decryptJson(data, KEY)).toEqual({ store_uid: '398800730001', order_id: '票券訂單001' });
  });
});
