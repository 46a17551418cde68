import { COMMAND_NAMES, commands, serviceOf, type CommandSpec } from './commands';

describe('the command registry', () => {
  const entries = Object.entries(commands) as [string, CommandSpec][];

  it('has one entry per command name, each sent as api/<name> by default', () => {
    expect(Object.keys(commands).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const [name, spec] of entries) expect(spec.cmd).toBe(`api/${name}`);
  });

  it('points every query at a mutating command', () => {
    for (const [, spec] of entries) {
      if (spec.queryFor !== undefined) {
        expect(spec.mutating).toBe(false);
        expect(commands[spec.queryFor].mutating).toBe(true);
      }
    }
  });

  it('marks exactly the state-changing commands as mutating', () => {
    const mutating = entries.filter(([, spec]) => spec.mutating).map(([name]) => name);
    expect(mutating.sort()).toEqual(
      [
        'voucherservicepurchase',
        'vouchertransaction',
        'voucherrefund',
        'voucheroffline',
        'esvcrefund',
        'payoffremittance',
        'payoffcoveringremittance',
        'orders',
        'refund',
        'refundcancel',
        'cancelauthorization',
        'authorizedrequestpayment',
        'disabledirectdebit',
        'ewalletbind',
        'issueinvoice',
      ].sort(),
    );
  });

  it('allows dealer mode only where the seeds document it (002, 003, 004) and for the pay-off decisions', () => {
    const dealer = entries.filter(([, spec]) => spec.modes.includes('agent')).map(([name]) => name);
    expect(dealer.sort()).toEqual(
      ['voucheroffline', 'esvcrefund', 'payoffremittance', 'payoffquery', 'payoffcoveringremittance'].sort(),
    );
  });

  it('builds the service plaintext', () => {
    expect(serviceOf('api/voucherquery')).toEqual({ service_name: 'api', cmd: 'api/voucherquery' });
  });
});
