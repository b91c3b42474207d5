import { ProfileEntry } from '../datasource/types';
import { copyPrefix, dashboardOf, dashboardRange } from './dashboard';

const entry = (id: string, from?: number, to?: number, status: ProfileEntry['status'] = 'ready'): ProfileEntry => ({
  id,
  size: 1,
  etag: 'e',
  lastModified: '',
  status,
  from,
  to,
  spanKnown: from !== undefined,
});

const catalog = [
  entry('api-1/2026-11-17T09:30:00Z.perf', 1_000_200, 1_004_500),
  entry('api-2/2026-11-17T09:31:00Z.perf', 1_060_000, 1_061_000),
  entry('api-2/LICENSE', undefined, undefined, 'skipped'),
  entry('db/2026-11-17T09:00:00Z.perf', 0, 5),
  entry('loose.perf', 7, 8),
];

describe("the viewer's dashboard mode", () => {
  it("repeats by the link's values, else by the catalog's top folders", () => {
    expect(
      dashboardOf({ prefix: '$host/', repeat: 'host', variables: [{ name: 'host', value: ['b', 'a'] }] }, catalog)
    ).toEqual({ prefix: '$host/', variable: 'host', values: ['b', 'a'] });
    expect(dashboardOf({ prefix: '$host/', repeat: 'host' }, catalog)?.values).toEqual(['api-1', 'api-2', 'db']);
    expect(dashboardOf({ prefix: '$host/' }, catalog)).toBeUndefined();
    expect(dashboardOf({ repeat: 'host' }, catalog)).toBeUndefined();
  });

  it('replaces each spelling of the variable, and no other variable that starts with its name', () => {
    const d = { prefix: '', variable: 'host', values: [] };
    expect(copyPrefix({ ...d, prefix: '$host/' }, 'api-1')).toBe('api-1/');
    expect(copyPrefix({ ...d, prefix: '${host}/x/[[host]]' }, 'a')).toBe('a/x/a');
    expect(copyPrefix({ ...d, prefix: '$hostname/$host' }, 'a')).toBe('$hostname/a');
  });

  it("covers the copies' profiles in whole seconds, skipped objects and other folders left out", () => {
    const d = { prefix: '$host/', variable: 'host', values: ['api-1', 'api-2'] };
    expect(dashboardRange(d, catalog)).toEqual({ from: 1_000_000, to: 1_062_000 });
    expect(dashboardRange({ ...d, values: ['nobody'] }, catalog)).toBeUndefined();
  });
});
