/**
 * The errors of `@tixclear/crypto`. This library depends on nothing internal (it must stay usable by the
 * gateway simulator and by scripts without pulling in the domain), so it mirrors the shape of the domain's
 * errors instead of extending them: a stable `code` to branch on, and the offending input `field` when there
 * is one. Callers translate these into protocol answers; tests assert codes, never messages.
 */
export abstract class CryptoError extends Error {
  abstract readonly code: string;
  readonly field: string | undefined;

  protected constructor(message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.field = field;
  }
}

/**
 * The one and only error of decryption, whatever went wrong: bad base64, wrong length, bad padding, wrong
 * key, not UTF-8, not JSON. The envelope carries no MAC, so telling these apart would hand a client a CBC
 * padding oracle (padding valid or not, one request at a time, recovers the plaintext). Hence: one fixed
 * message, no `field`, no `cause`, and no way to build it with anything else.
 */
export class EnvelopeError extends CryptoError {
  readonly code = 'ENVELOPE_INVALID';

  constructor() {
    super('The envelope cannot be opened.');
  }
}

/** Fields a key problem can concern: a bare key string, or a part of a key-ring entry. */
export type KeyField = 'key' | 'id' | 'secret' | 'validFrom' | 'validUntil';

/**
 * A merchant key that cannot be used: not exactly 32 single-byte characters, or a key-ring entry with a
 * missing id, a duplicate id or an empty/invalid validity period. It depends only on configuration, never on
 * an envelope, so it is safe to be specific here.
 */
export class KeyFormatError extends CryptoError {
  readonly code = 'KEY_INVALID';
  readonly keyId: string | undefined;

  constructor(message: string, field: KeyField, keyId?: string) {
    super(message, field);
    this.keyId = keyId;
  }
}

/** The key ring holds no key valid at the given moment (all expired, none yet valid, or a gap). */
export class NoValidKeyError extends CryptoError {
  readonly code = 'NO_VALID_KEY';
  readonly at: Date;

  constructor(at: Date) {
    super(
      `No merchant key is valid at ${Number.isNaN(at.getTime()) ? 'an invalid date' : at.toISOString()}.`,
    );
    this.at = new Date(at.getTime());
  }
}

/** Inputs other than keys that the caller got wrong when encrypting or asking the key ring. */
export type CryptoInputField = 'plaintext' | 'value' | 'iv' | 'at';

/**
 * A programming error on our side of the wire: a plaintext that is not well-formed Unicode (it would be
 * silently altered by UTF-8 encoding), a value JSON cannot represent, an IV that is not 16 bytes, an invalid
 * Date. Never raised for anything a remote party sends us.
 */
export class CryptoInputError extends CryptoError {
  readonly code = 'CRYPTO_INPUT_INVALID';
  declare readonly field: CryptoInputField;

  constructor(message: string, field: CryptoInputField, options?: ErrorOptions) {
    super(message, field, options);
  }
}
