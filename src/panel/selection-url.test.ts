import { formatSelectionParam, parseSelectionParam, selectionParam } from './selection-url';

describe('selection in the URL', () => {
  it('round-trips a selection per panel', () => {
    expect(selectionParam(7)).toBe('flamescope-7');
    const text = formatSelectionParam({ fromMs: 1_794_907_803_240.4, toMs: 1_794_907_803_300 });
    expect(text).toBe('1794907803240~1794907803300');
    expect(parseSelectionParam(text)).toEqual({ fromMs: 1_794_907_803_240, toMs: 1_794_907_803_300 });
  });

  it.each([undefined, '', 'abc', '5~1', '1~1', '1;2', ['1~2']])('ignores a malformed or empty value %p', (value) => {
    expect(parseSelectionParam(value)).toBeUndefined();
  });

  it('clears the parameter when there is no selection', () => {
    expect(formatSelectionParam(undefined)).toBeUndefined();
  });
});
