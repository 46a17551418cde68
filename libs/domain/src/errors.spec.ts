import {
  DomainError,
  DomainErrorCode,
  domainErrorCodes,
  IllegalTransitionError,
  InvalidIdentifierError,
  MoneyError,
  StateMachineDefinitionError,
  purchaseMachine,
  twd,
} from './index';

describe('domain errors', () => {
  const samples = [
    new MoneyError('MONEY_INVALID', 'x', 'cost'),
    new MoneyError('MONEY_OVERFLOW', 'x'),
    new InvalidIdentifierError('order_id', 'charset', 'x'),
    new IllegalTransitionError('purchase', 'paid', 'failed'),
    new StateMachineDefinitionError('m', 'x'),
  ];

  it('are DomainErrors whose codes are all listed in DomainErrorCode', () => {
    for (const error of samples) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toBeInstanceOf(Error);
      expect(domainErrorCodes).toContain(error.code);
    }
    expect(new Set(samples.map((e) => e.code))).toEqual(new Set(domainErrorCodes));
  });

  it('carry their class name and field', () => {
    expect(samples[2]).toMatchObject({
      name: 'InvalidIdentifierError',
      field: 'order_id',
      problem: 'charset',
    });
    expect(samples[0]).toMatchObject({ name: 'MoneyError', field: 'cost' });
  });

  it('are what the public API throws', () => {
    expect(() => twd('1.5')).toThrow(MoneyError);
    expect(() => purchaseMachine.assertTransition('paid', 'failed')).toThrow(IllegalTransitionError);
    expect(DomainErrorCode.IllegalTransition).toBe('ILLEGAL_TRANSITION');
  });
});
