import { ConfigError, engineConfigOf, engineEnvSchema, readEnv } from './engine-config';

const KEY = 'ab'.repeat(32);

describe('the variables both apps read (engineEnvSchema)', () => {
  it('reads them with their defaults', () => {
    const config = engineConfigOf(
      readEnv(engineEnvSchema, { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', TIXCLEAR_MASTER_KEY: KEY }),
    );
    expect(config).toEqual({
      databaseUrl: 'postgres://u@127.0.0.1:5432/db',
      masterKey: Buffer.from(KEY, 'hex'),
      gatewayUrl: 'http://127.0.0.1:4010/api/init',
      gatewayTimeoutMs: 15_000,
      reportRetryDelaySeconds: 30,
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      readEnv(engineEnvSchema, {
        DATABASE_URL: 'mysql://x/y',
        TIXCLEAR_MASTER_KEY: 'short',
        GATEWAY_TIMEOUT_MS: '5',
        REPORT_RETRY_DELAY_SECONDS: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of [
      'DATABASE_URL',
      'TIXCLEAR_MASTER_KEY',
      'GATEWAY_TIMEOUT_MS',
      'REPORT_RETRY_DELAY_SECONDS',
    ])
      expect((error as ConfigError).issues).toContain(name);
  });
});
