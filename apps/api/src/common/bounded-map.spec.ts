import { BoundedMap } from './bounded-map';

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
