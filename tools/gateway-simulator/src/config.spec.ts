import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { argvToEnv, optionsFromEnv, resolveSettings, SimulatorConfigError } from './config';
import { PAYPAGE_STORE_UID, SAMPLE_STORE_UID } from './merchants';

describe('configuration', () => {
  it('defaults to port 4010, the sample merchants of seeds 000 and 001 and their notification URL', () => {
    const options = optionsFromEnv({});
    expect(options.port).toBe(4010);
    const settings = resolveSettings(options);
    expect(settings.merchants).toEqual([
      expect.objectContaining({ uid: SAMPLE_STORE_UID, notifyUrl: 'http://127.0.0.1:3000/gateway/notify' }),
      expect.objectContaining({
        uid: PAYPAGE_STORE_UID,
        key: 'KYTjd9ACcjGaTK6V3zWmMkyrQS08Ndcx',
        notifyUrl: 'http://127.0.0.1:3000/gateway/notify',
      }),
    ]);
    expect(settings.notifications.attempts).toBe(5);
    expect(settings.commandNames).toEqual({
      payoffremittance: 'api/payoffremittance',
      payoffquery: 'api/payoffquery',
    });
  });

  it('reads flags over variables', () => {
    expect(argvToEnv(['--port', '4011', '--notify-url=none'])).toEqual({
      SIMULATOR_PORT: '4011',
      SIMULATOR_NOTIFY_URL: 'none',
    });
    const options = optionsFromEnv({ SIMULATOR_PORT: '5000' }, [
      '--port=4011',
      '--notify-url',
      'none',
      '--seed',
      '9',
    ]);
    expect(options).toMatchObject({ port: 4011, seed: 9, notifyUrl: null });
  });

  it.each([['--prot', '4011'], ['--port'], ['4011'], ['-p', '4011']])(
    'refuses the arguments %j',
    (...argv) => {
      expect(() => optionsFromEnv({}, argv)).toThrow(SimulatorConfigError);
    },
  );

  it('names every bad variable', () => {
    let error: unknown;
    try {
      optionsFromEnv({
        SIMULATOR_PORT: 'x',
        SIMULATOR_PAYOFF_APPROVAL: 'sometimes',
        SIMULATOR_NOTIFY_BACKOFF_MS: '1,a',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SimulatorConfigError);
    const issues = (error as SimulatorConfigError).issues;
    for (const name of ['SIMULATOR_PORT', 'SIMULATOR_PAYOFF_APPROVAL', 'SIMULATOR_NOTIFY_BACKOFF_MS'])
      expect(issues).toContain(name);
  });

  it('loads merchants from a JSON file and faults from JSON text', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-config-'));
    const file = path.join(dir, 'merchants.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          uid: 'M1',
          key: 'M1KeyM1KeyM1KeyM1KeyM1KeyM1Key12',
          feeSchedules: [{ escrowRate: '0', gatewayRate: '0', issuanceFee: 0, issuanceLayer: 3 }],
        },
      ]),
    );
    const options = optionsFromEnv({
      SIMULATOR_MERCHANTS: file,
      SIMULATOR_FAULTS: '[{"fault":"reset","times":1}]',
    });
    expect(resolveSettings(options).merchants.map((m) => m.uid)).toEqual([
      SAMPLE_STORE_UID,
      PAYPAGE_STORE_UID,
      'M1',
    ]);
    expect(options.faults).toEqual({ rules: [{ fault: 'reset', times: 1 }] });
    writeFileSync(file, '[{"uid": "M2"}]');
    expect(() => optionsFromEnv({ SIMULATOR_MERCHANTS: file })).toThrow(SimulatorConfigError);
  });
});
