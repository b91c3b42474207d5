/**
 * The panel's parse progress: taken from the data source's "parsing" frame at once when it reported one, from the
 * catalog when it could not (the data proxy's bare 504 says nothing), the further of the two when both; and "still
 * parsing" errors (the data source gave up) count as waiting too.
 */
import { DataQueryRequest, dateTime, LoadingState, PanelData } from '@grafana/data';
import { act, renderHook } from '@testing-library/react';
import { toQueryError, GaveUpError } from '../datasource/errors';
import { parsingFrame } from '../datasource/parsing-frame';
import { ParseProgress, Wait } from '../datasource/retry';
import { FlameScopeQuery } from '../datasource/types';
import { isWaitingForParse, mergeProgress, useParseProgress } from './useParseProgress';

const catalog: Array<{ id: string; status: string; progress?: { bytesRead: number; totalBytes: number } }> = [];
const listed: string[] = [];
const ds = {
  interpolate: (text: string, scoped?: Record<string, { value: string }>) => [
    text.replace('$host', scoped?.host?.value ?? 'api-1'),
  ],
  listProfiles: async (prefix: string) => {
    listed.push(prefix);
    return catalog;
  },
};

jest.mock('@grafana/runtime', () => ({
  getDataSourceSrv: () => ({ get: async () => ds }),
}));

const T0 = Date.parse('2026-11-17T09:30:00Z');

function panelData(
  state: LoadingState,
  extra: Partial<PanelData> = {},
  target: Partial<FlameScopeQuery> = {}
): PanelData {
  const range = { from: dateTime(T0), to: dateTime(T0 + 60_000), raw: { from: '', to: '' } };
  return {
    state,
    series: [],
    timeRange: range,
    request: {
      targets: [{ refId: 'A', queryType: 'heatmap', datasource: { uid: 'fs' }, profiles: ['big.perf'], ...target }],
      scopedVars: {},
    } as unknown as DataQueryRequest<FlameScopeQuery>,
    ...extra,
  };
}

function wait(progress: ParseProgress[]): Wait {
  return { reason: 'parsing', message: 'still parsing', progress, attempt: 1, retryInMs: 1000, waitedMs: 0 };
}

const bare504 = {
  status: 504,
  statusText: 'Gateway Timeout',
  data: { message: 'Gateway Timeout', error: 'Gateway Timeout' },
};

beforeEach(() => {
  jest.useFakeTimers();
  catalog.length = 0;
  listed.length = 0;
});
afterEach(() => jest.useRealTimers());

describe('useParseProgress', () => {
  it("shows the data source's reported progress at once, before any catalog poll", () => {
    const reported = [{ id: 'big.perf', bytesRead: 4e8, totalBytes: 1e9 }];
    const data = panelData(LoadingState.Loading, { series: [parsingFrame('A', wait(reported))] });
    const { result } = renderHook(() => useParseProgress(data));
    expect(result.current).toEqual(reported);
    expect(listed).toEqual([]);
  });

  it("polls the catalog for the query's profiles when the data source had no progress to give (bare 504)", async () => {
    catalog.push(
      { id: 'big.perf', status: 'parsing', progress: { bytesRead: 5e8, totalBytes: 1e9 } },
      { id: 'other.perf', status: 'parsing', progress: { bytesRead: 1, totalBytes: 2 } },
      { id: 'done.perf', status: 'ready' }
    );
    const data = panelData(LoadingState.Loading, { series: [parsingFrame('A', wait([]))] });
    const { result } = renderHook(() => useParseProgress(data));
    expect(result.current).toEqual([]);
    await act(() => jest.advanceTimersByTimeAsync(500));
    expect(result.current).toEqual([{ id: 'big.perf', bytesRead: 5e8, totalBytes: 1e9 }]);
  });

  it("polls the panel's own prefix (a repeated panel's $host), and moves reported progress on to the catalog's", async () => {
    catalog.push({ id: 'api-2/big.perf', status: 'parsing', progress: { bytesRead: 7e8, totalBytes: 1e9 } });
    const reported = [{ id: 'api-2/big.perf', bytesRead: 4e8, totalBytes: 1e9 }];
    const data = panelData(
      LoadingState.Loading,
      {
        series: [parsingFrame('A', wait(reported))],
        request: {
          targets: [{ refId: 'A', datasource: { uid: 'fs' }, prefix: '$host/' }],
          scopedVars: { host: { text: 'api-2', value: 'api-2' } },
        } as unknown as DataQueryRequest<FlameScopeQuery>,
      },
      {}
    );
    const { result } = renderHook(() => useParseProgress(data));
    await act(() => jest.advanceTimersByTimeAsync(500));
    expect(listed).toEqual(['api-2/']);
    expect(result.current).toEqual([{ id: 'api-2/big.perf', bytesRead: 7e8, totalBytes: 1e9 }]);
  });

  it('shows nothing and polls nothing once the query is done', async () => {
    catalog.push({ id: 'big.perf', status: 'parsing', progress: { bytesRead: 5e8, totalBytes: 1e9 } });
    const { result } = renderHook(() => useParseProgress(panelData(LoadingState.Done)));
    await act(() => jest.advanceTimersByTimeAsync(2000));
    expect(result.current).toEqual([]);
    expect(listed).toEqual([]);
  });
});

describe('isWaitingForParse', () => {
  it('is Loading, a parsing frame, or a "still parsing" error — not any error', () => {
    expect(isWaitingForParse(panelData(LoadingState.Loading))).toBe(true);
    expect(isWaitingForParse(panelData(LoadingState.Done, { series: [parsingFrame('A', wait([]))] }))).toBe(true);
    const gaveUp = toQueryError(new GaveUpError(bare504, 600_000), 'A');
    expect(isWaitingForParse(panelData(LoadingState.Error, { errors: [gaveUp] }))).toBe(true);
    const parsing = toQueryError({ status: 503, data: { error: 'parsing', message: 'still parsing a' } }, 'A');
    expect(isWaitingForParse(panelData(LoadingState.Error, { errors: [parsing] }))).toBe(true);
    const missing = toQueryError({ status: 404, data: { error: 'not_found', message: 'no profile a' } }, 'A');
    expect(isWaitingForParse(panelData(LoadingState.Error, { errors: [missing] }))).toBe(false);
    expect(isWaitingForParse(panelData(LoadingState.Done))).toBe(false);
  });
});

describe('mergeProgress', () => {
  it("keeps the reported profiles, each at the further figure; the catalog's when none was reported", () => {
    const a = { id: 'a', bytesRead: 10, totalBytes: 100 };
    expect(mergeProgress([a], [{ ...a, bytesRead: 20 }])).toEqual([{ ...a, bytesRead: 20 }]);
    expect(mergeProgress([a], [{ ...a, bytesRead: 5 }])).toEqual([a]);
    expect(mergeProgress([a], [{ id: 'b', bytesRead: 1, totalBytes: 2 }])).toEqual([a]);
    expect(mergeProgress([], [a])).toEqual([a]);
  });
});
