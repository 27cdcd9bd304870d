import fc from 'fast-check';
import { hasBit, setBit, setRange } from '../../../domain/policy/action-set';

describe('setRange', () => {
  it('sets exactly the bits of [start, end), like setting them one by one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((words) => fc.tuple(fc.constant(words), fc.integer({ min: 0, max: words * 32 }), fc.integer({ min: 0, max: words * 32 }))), ([words, a, b]) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const fast = new Uint32Array(words);
        const slow = new Uint32Array(words);
        setRange(fast, start, end);
        for (let i = start; i < end; i++) setBit(slow, i);
        expect([...fast]).toEqual([...slow]);
        expect(start === end || (hasBit(fast, start) && hasBit(fast, end - 1))).toBe(true);
      }),
    );
  });
});
