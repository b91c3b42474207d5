import { act, renderHook } from '@testing-library/react';
import { usePropOverride } from './usePropOverride';

describe('a value set by an option and changed in the panel', () => {
  it("is the option's until the user changes it, the user's until the option changes, then the option's for good", () => {
    const { result, rerender } = renderHook(({ prop }) => usePropOverride(prop), { initialProps: { prop: false } });
    expect(result.current[0]).toBe(false);
    act(() => result.current[1](true)); // flipped in the panel
    expect(result.current[0]).toBe(true);
    rerender({ prop: false }); // same option: the user's choice stands
    expect(result.current[0]).toBe(true);
    rerender({ prop: true }); // the editor sets it
    expect(result.current[0]).toBe(true);
    rerender({ prop: false }); // and back: the option wins, the old local choice does not return
    expect(result.current[0]).toBe(false);
    act(() => result.current[1](true));
    expect(result.current[0]).toBe(true);
  });
});
