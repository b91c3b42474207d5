import { readUrlState, repeatValues, urlParams } from './url-state';

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
      split: undefined,
      icicle: undefined,
      maxNodes: undefined,
      scale: undefined,
    });
    expect(urlParams({ split: 0.55, inverted: false, maxNodes: 5000 })).toMatchObject({
      split: undefined,
      icicle: undefined,
      maxNodes: undefined,
      scale: undefined,
    });
    const state = {
      profile: 'p',
      from: 1000,
      to: 2000,
      rows: 99,
      palette: 'enhanced' as const,
      timeZone: 'utc',
      split: 0.3,
      inverted: true,
      maxNodes: 20000,
      colorScale: 'max' as const,
    };
    expect(readUrlState(urlParams(state))).toEqual(state);
    expect(readUrlState({ split: '0.9', icicle: 'yes', maxNodes: '5' })).toEqual({});
  });

  it("reads a dashboard's link: a prefix query, Grafana's var-<name> variables and the variable to repeat by", () => {
    const state = readUrlState({
      prefix: '$host/',
      'var-host': ['api-1', 'api-2', 'api-1'],
      'var-env': 'prod',
      'var-empty': '',
      repeat: 'host',
    });
    expect(state).toEqual({
      prefix: '$host/',
      variables: [
        { name: 'host', value: ['api-1', 'api-2', 'api-1'] },
        { name: 'env', value: 'prod' },
      ],
      repeat: 'host',
    });
    expect(repeatValues(state)).toEqual(['api-1', 'api-2']);
    expect(repeatValues({ ...state, repeat: 'env' })).toEqual(['prod']);
    expect(repeatValues({ ...state, repeat: 'region' })).toEqual([]);
    expect(readUrlState({ repeat: 'host; drop' }).repeat).toBeUndefined();
  });
});
