import { readUrlState, urlParams } from './url-state';

describe('the address', () => {
  it('reads the profile, the range, rows, palette and time zone', () => {
    expect(
      readUrlState({
        profile: 'svc/a.perf',
        from: '1794907800000',
        to: '1794907810000',
        rows: '49',
        palette: 'enhanced',
        tz: 'utc',
      })
    ).toEqual({
      profile: 'svc/a.perf',
      from: 1794907800000,
      to: 1794907810000,
      rows: 49,
      palette: 'enhanced',
      timeZone: 'utc',
    });
  });

  it('takes ISO-8601 instants typed by hand, and ignores what makes no sense', () => {
    expect(readUrlState({ from: '2026-11-17T09:30:00Z', to: '2026-11-17T09:30:10Z' })).toEqual({
      from: Date.UTC(2026, 10, 17, 9, 30, 0),
      to: Date.UTC(2026, 10, 17, 9, 30, 10),
    });
    expect(readUrlState({ from: '20', to: '10' })).toEqual({});
    expect(readUrlState({ from: '10' })).toEqual({});
    expect(readUrlState({ rows: '0', palette: 'rainbow', profile: ' ' })).toEqual({});
  });

  it('writes only what differs from the defaults (undefined removes a parameter)', () => {
    expect(
      urlParams({ profile: 'p', from: 1.4, to: 10.6, rows: 50, palette: 'flamescope', timeZone: 'browser' })
    ).toEqual({
      profile: 'p',
      from: '1',
      to: '11',
      rows: undefined,
      palette: undefined,
      tz: undefined,
    });
    const back = readUrlState(
      urlParams({ profile: 'p', from: 1000, to: 2000, rows: 99, palette: 'enhanced', timeZone: 'utc' })
    );
    expect(back).toEqual({ profile: 'p', from: 1000, to: 2000, rows: 99, palette: 'enhanced', timeZone: 'utc' });
  });
});
