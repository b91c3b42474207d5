import { buildRequest, Interpolate, QueryError } from './request';
import { FlameScopeQuery } from './types';

const range = { from: 1_794_907_800_000, to: 1_794_907_860_000 };
const noVars: Interpolate = (text) => [text];
const vars: Record<string, string[]> = { $profile: ['a/1.perf', 'a/2.perf'], $host: ['api-7f9c'], $cpu: ['3'] };
const withVars: Interpolate = (text) => {
  for (const [name, values] of Object.entries(vars)) {
    if (text.includes(name)) {
      return values.map((v) => text.replace(name, v));
    }
  }
  return [text];
};
const q = (query: Partial<FlameScopeQuery>): FlameScopeQuery => ({ refId: 'A', ...query });

describe('buildRequest', () => {
  it('asks for a heat map of the profiles over the dashboard range, idle excluded', () => {
    expect(buildRequest(q({ queryType: 'heatmap', profiles: ['x/2026.perf.gz'], rows: 25 }), range, noVars)).toEqual({
      path: '/api/v1/heatmap',
      params: { profile: ['x/2026.perf.gz'], from: String(range.from), to: String(range.to), rows: '25' },
    });
  });

  it('uses the data source defaults for rows and idle', () => {
    const r = buildRequest(q({ profiles: ['p'] }), range, noVars, { defaultRows: 10, defaultIdle: true });
    expect(r.params.rows).toBe('10');
    expect(r.params.idle).toBe('include');
  });

  it('expands a multi-value variable into several profiles, and interpolates filters', () => {
    const r = buildRequest(
      q({ queryType: 'flamegraph', profiles: ['$profile'], cpu: '$cpu', comm: 'java' }),
      range,
      withVars
    );
    expect(r.params.profile).toEqual(['a/1.perf', 'a/2.perf']);
    expect(r.params.cpu).toBe('3');
    expect(r.params.comm).toBe('java');
  });

  it('stitches by prefix when no profile is chosen, with $variables in the prefix', () => {
    const r = buildRequest(q({ prefix: '$host/' }), range, withVars);
    expect(r.params.prefix).toBe('api-7f9c/');
    expect(r.params.profile).toBeUndefined();
  });

  it('narrows a flame graph to its own selection inside the dashboard range', () => {
    const r = buildRequest(
      q({
        queryType: 'flamegraph',
        profiles: ['p'],
        from: range.from + 1000.4,
        to: range.from + 2000.2,
        maxNodes: 300,
      }),
      range,
      noVars
    );
    expect(r.params).toMatchObject({ from: String(range.from + 1000), to: String(range.from + 2001), maxNodes: '300' });
  });

  it('sends a focus (the zoomed frame to show in full) as repeated names, never interpolated', () => {
    const r = buildRequest(
      q({ queryType: 'flamegraph', profiles: ['p'], focus: ['java', '$host', 'Lfoo;::bar'], focusMaxNodes: 900 }),
      range,
      withVars
    );
    expect(r.params.focus).toEqual(['java', '$host', 'Lfoo;::bar']);
    expect(r.params.focusMaxNodes).toBe('900');
    const none = buildRequest(
      q({ queryType: 'flamegraph', profiles: ['p'], focus: [], focusMaxNodes: 900 }),
      range,
      noVars
    );
    expect(none.params.focus).toBeUndefined();
    expect(none.params.focusMaxNodes).toBeUndefined();
  });

  it('adds a baseline range or profile for a differential flame graph', () => {
    const byRange = buildRequest(
      q({ queryType: 'flamegraph', profiles: ['p'], baseline: 'range', baselineFrom: 5, baselineTo: 9 }),
      range,
      noVars
    );
    expect(byRange.params).toMatchObject({ baselineFrom: '5', baselineTo: '9' });
    const byProfile = buildRequest(
      q({ queryType: 'flamegraph', profiles: ['p'], baseline: 'profile', baselineProfile: 'base.perf' }),
      range,
      noVars
    );
    expect(byProfile.params.baselineProfile).toBe('base.perf');
  });

  it('lists profiles and annotations over the range, under a prefix', () => {
    expect(buildRequest(q({ queryType: 'annotations', prefix: 'api/' }), range, noVars)).toEqual({
      path: '/api/v1/profiles',
      params: { prefix: 'api/', from: String(range.from), to: String(range.to) },
    });
  });

  it.each([
    [q({}), /choose a profile/],
    [q({ profiles: ['p'], cpu: 'x' }), /cpu must be a number/],
    [q({ profiles: ['p'], event: '$profile' }), /several values/],
    [q({ queryType: 'flamegraph', profiles: ['p'], baseline: 'range', baselineFrom: 5 }), /start and end/],
    [q({ queryType: 'flamegraph', profiles: ['p'], baseline: 'profile' }), /baseline profile/],
  ])('refuses an incomplete query with one sentence (%#)', (query, message) => {
    expect(() => buildRequest(query, range, withVars)).toThrow(QueryError);
    expect(() => buildRequest(query, range, withVars)).toThrow(message);
  });
});
