import { BoundedMap, TtlCache } from './bounded-cache';

describe('BoundedMap', () => {
  it('never holds more than maxEntries, forgetting the least recently set first', () => {
    const map = new BoundedMap<string, number>(3);
    for (let i = 0; i < 100_000; i += 1) map.set(`k${i}`, i);
    expect(map.size).toBe(3);
    expect(map.get('k99999')).toBe(99_999);
    expect(map.get('k99996')).toBeUndefined();
  });

  it('keeps an entry set again over older ones', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('partner', 1);
    map.set('junk1', 0);
    map.set('partner', 2);
    map.set('junk2', 0);
    expect(map.get('partner')).toBe(2);
    expect(map.get('junk1')).toBeUndefined();
  });
});

describe('TtlCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('loads once, serves the kept value until ttlMs has passed, then loads again', async () => {
    const cache = new TtlCache<string, number>(30_000, 10, clock);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await cache.get('a', load)).toBe(1);
    now += 29_999;
    expect(await cache.get('a', load)).toBe(1);
    now += 1;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('shares one load among concurrent callers of a key', async () => {
    const cache = new TtlCache<string, string>(1_000, 10, clock);
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'v';
    };
    expect(await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)])).toEqual([
      'v',
      'v',
      'v',
    ]);
    expect(loads).toBe(1);
  });

  it('keeps no failed load (thrown or rejected): the next caller loads again', async () => {
    const cache = new TtlCache<string, number>(1_000, 10, clock);
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(
      cache.get('a', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await cache.get('a', () => Promise.resolve(7))).toBe(7);
  });

  it('holds at most maxEntries keys, forgetting the oldest', async () => {
    const cache = new TtlCache<number, number>(1_000, 3, clock);
    for (let i = 0; i < 1_000; i += 1) await cache.get(i, () => Promise.resolve(i));
    expect(cache.size).toBe(3);
  });
});
