import { FailureLimiter } from './failure-limiter';

describe('FailureLimiter', () => {
  it('limits a key after perMinute failures within a minute, and forgets them after it', () => {
    let now = 0;
    const limiter = new FailureLimiter(3, () => now);
    for (let i = 0; i < 3; i += 1) limiter.recordFailure('p|a');
    expect(limiter.isLimited('p|a')).toBe(true);
    expect(limiter.isLimited('p|b')).toBe(false);
    now = 60_001;
    expect(limiter.isLimited('p|a')).toBe(false);
  });

  it('a flood of new keys does not wipe the counts of a key being limited', () => {
    const limiter = new FailureLimiter(3, () => 0);
    for (let i = 0; i < 3; i += 1) limiter.recordFailure('prober|1.2.3.4');
    for (let i = 0; i < 60_000; i += 1) {
      limiter.recordFailure(`junk${i}|5.6.7.8`);
      limiter.recordFailure('prober|1.2.3.4');
    }
    expect(limiter.isLimited('prober|1.2.3.4')).toBe(true);
  });
});
