import { config } from '@grafana/runtime';
import { exploreUrl, grafanaPath, profileRange } from './links';

describe('links', () => {
  afterEach(() => {
    config.appSubUrl = '';
  });

  it('puts Grafana paths under its sub-path', () => {
    expect(grafanaPath('/connections/datasources/new')).toBe('/connections/datasources/new');
    config.appSubUrl = '/grafana';
    expect(grafanaPath('/connections/datasources/new')).toBe('/grafana/connections/datasources/new');
    expect(exploreUrl('uid', 'p', { from: 0, to: 1000 })).toMatch(/^\/grafana\/explore\?/);
  });

  it("widens a profile's span to whole seconds, the last sample's second included", () => {
    expect(profileRange(1_000_500, 1_040_000)).toEqual({ from: 1_000_000, to: 1_041_000 });
    expect(profileRange(1_000_500, 1_039_999)).toEqual({ from: 1_000_000, to: 1_040_000 });
    expect(profileRange(1_000_000, 1_000_000)).toEqual({ from: 1_000_000, to: 1_001_000 });
  });

  it('opens Explore on the data source with a flame-graph query for the profile (Explore draws flame graphs)', () => {
    const url = new URL(exploreUrl('a b&c', 'host/2026-11-17T09:30:00Z.perf.gz', { from: 1, to: 2 }), 'http://x');
    expect(url.pathname).toBe('/explore');
    const panes = JSON.parse(url.searchParams.get('panes')!);
    expect(Object.keys(panes)).toEqual(['fsc']);
    expect(panes.fsc.datasource).toBe('a b&c');
    expect(panes.fsc.queries).toEqual([
      {
        refId: 'A',
        datasource: { type: 'flamescope-flamescope-datasource', uid: 'a b&c' },
        queryType: 'flamegraph',
        profiles: ['host/2026-11-17T09:30:00Z.perf.gz'],
      },
    ]);
    expect(panes.fsc.range).toEqual({ from: '1', to: '2' });
  });
});
