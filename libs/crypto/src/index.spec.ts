import * as crypto from './index';

describe('@tixclear/crypto public API', () => {
  it('exports what other projects use', () => {
    // A subset: other parts of the library may export more.
    expect(Object.keys(crypto)).toEqual(
      expect.arrayContaining([
        'CryptoError',
        'CryptoInputError',
        'EnvelopeError',
        'IV_LENGTH',
        'KEY_LENGTH',
        'KeyFormatError',
        'KeyRing',
        'NoValidKeyError',
        'SUCCESSOR_LEAD_DAYS',
        'WARNING_WINDOWS',
        'decryptEnvelope',
        'decryptJson',
        'encryptEnvelope',
        'encryptJson',
        'successorKeyWindow',
      ]),
    );
    const key = 'tixclear-index-spec-key-32-bytes';
    expect(crypto.decryptJson(crypto.encryptJson({ a: '票' }, key), key)).toEqual({ a: '票' });
  });
});
