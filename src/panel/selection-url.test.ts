import {
  formatSelectionParam,
  parseSelectionParam,
  selectionParam,
  selectionTag,
  urlSelectionValue,
} from './selection-url';

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

describe('selection keys of repeated panels', () => {
  it('tags the key only when the query uses variables, with what they stand for', () => {
    expect(selectionTag('svc/p.perf', 'svc/p.perf')).toBeUndefined();
    expect(selectionTag('$host/', 'api-7f9c/')).toBe('api-7f9c');
    expect(selectionTag('${host}/|[[env]]', 'api-1/|prod')).toBe('api-1_prod');
    expect(selectionParam(4, selectionTag('$host/', 'api-7f9c/'))).toBe('flamescope-4-api-7f9c');
    expect(selectionParam(4, undefined)).toBe('flamescope-4');
  });

  it('keeps long tags apart by a hash', () => {
    const a = selectionTag('$host', 'x'.repeat(60) + 'a');
    const b = selectionTag('$host', 'x'.repeat(60) + 'b');
    expect(a).not.toBe(b);
    expect(a!.length).toBeLessThanOrEqual(40);
  });

  it("reads the panel's own key first, then the plain key an alert's link carries", () => {
    const search = { 'flamescope-4': '1~2', 'flamescope-4-api-1': '3~4' };
    expect(urlSelectionValue(search, 4, 'api-1')).toBe('3~4');
    expect(urlSelectionValue(search, 4, 'api-2')).toBe('1~2');
    expect(urlSelectionValue(search, 4)).toBe('1~2');
    expect(urlSelectionValue({}, 4, 'api-1')).toBeUndefined();
  });
});
