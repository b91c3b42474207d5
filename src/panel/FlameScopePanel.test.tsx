/**
 * The panel's glue: a selection (here from a shared link) fetches that slice's flame graph through the panel's own
 * data source — differential against the range or the previous slice on request — and "Zoom to selection" moves the
 * dashboard's time.
 */
import { createDataFrame, dateTime, FieldType, LoadingState, PanelData, PanelProps } from '@grafana/data';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { cellsFrame, START } from './heatmap/testUtils';
import { FlameScopePanel } from './FlameScopePanel';
import { DEFAULT_OPTIONS, FlameScopeOptions } from './options';

const runQuery = jest.fn();
const folded = jest.fn();
const search: Record<string, string> = {};
const partial = jest.fn();
const listeners = new Set<() => void>();

/** Changes the URL's query as navigation would, telling the listeners. */
function setUrl(params: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) {
      delete search[k];
    } else {
      search[k] = v;
    }
  }
  listeners.forEach((f) => f());
}

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: () => ({
    get: async (ref: unknown) =>
      ref === 'dashboard'
        ? { name: '-- Dashboard --', query: jest.fn() }
        : { runQuery, folded, listProfiles: async () => [], interpolate: (t: string) => [t] },
  }),
  // The URL as Grafana's locationService keeps it: partial() changes it and tells the history's listeners.
  locationService: {
    getSearchObject: () => ({ ...search }),
    partial: (...args: unknown[]) => {
      partial(...args);
      setUrl(args[0] as Record<string, string | undefined>);
    },
    getHistory: () => ({
      listen: (f: () => void) => {
        listeners.add(f);
        return () => listeners.delete(f);
      },
    }),
  },
}));

beforeAll(() => {
  // d3 reads SVGElement.transform during transitions; jsdom has none.
  Object.defineProperty(SVGElement.prototype, 'transform', {
    configurable: true,
    get() {
      return { baseVal: { consolidate: () => null, numberOfItems: 0 } };
    },
  });
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () =>
      new Proxy(
        {},
        {
          get: (_t, prop) =>
            prop === 'measureText' ? () => ({ width: 10 }) : prop === 'canvas' ? {} : () => undefined,
        }
      ) as unknown as CanvasRenderingContext2D
  );
});

function flameFrame() {
  return createDataFrame({
    name: 'flamegraph',
    meta: { preferredVisualisationType: 'flamegraph' },
    fields: [
      { name: 'level', type: FieldType.number, values: [0, 1, 2, 3] },
      { name: 'value', type: FieldType.number, values: [60, 60, 50, 50] },
      { name: 'self', type: FieldType.number, values: [0, 10, 0, 50] },
      { name: 'label', type: FieldType.string, values: ['all', 'app', 'gc', 'mark'] },
      { name: 'kind', type: FieldType.string, values: ['root', 'thread', 'user', 'user'] },
    ],
  });
}

function props(overrides: Partial<PanelProps<FlameScopeOptions>> = {}): PanelProps<FlameScopeOptions> {
  const from = dateTime(START);
  const to = dateTime(START + 10_000);
  const data: PanelData = {
    state: LoadingState.Done,
    series: [cellsFrame([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 50, (c, r) => (c === 3 && r >= 12 && r <= 14 ? 20 : 2))],
    timeRange: { from, to, raw: { from, to } },
    request: {
      targets: [{ refId: 'A', queryType: 'heatmap', profiles: ['svc/p.perf'], datasource: { uid: 'fs' } }],
    } as never,
  };
  return {
    id: 4,
    data,
    timeRange: data.timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS },
    transparent: false,
    width: 800,
    height: 600,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'FlameScope',
    eventBus: { publish: jest.fn() } as never,
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
    ...overrides,
  };
}

beforeEach(() => {
  runQuery.mockReset().mockResolvedValue(flameFrame());
  partial.mockReset();
  for (const k of Object.keys(search)) {
    delete search[k];
  }
});

describe('FlameScopePanel', () => {
  it('draws the heat map and asks for a selection when there is none', () => {
    render(<FlameScopePanel {...props()} />);
    expect(screen.getByTestId('flamescope-heatmap')).toBeInTheDocument();
    expect(screen.queryByTestId('flamescope-flamegraph')).not.toBeInTheDocument();
    expect(runQuery).not.toHaveBeenCalled();
  });

  it("opens a shared link's slice: fetches that slice's flame graph through the data source", async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    render(<FlameScopePanel {...props()} />);
    await waitFor(() => expect(screen.getByTestId('flamescope-flamegraph')).toBeInTheDocument());
    const [query, range] = runQuery.mock.calls[0];
    expect(query).toMatchObject({
      queryType: 'flamegraph',
      profiles: ['svc/p.perf'],
      from: START + 3240,
      to: START + 3300,
      baseline: 'none',
    });
    expect(range).toEqual({ from: START, to: START + 10_000 });
    // The slice's four frames (all;app;gc;mark) are on the flame graph's canvas.
    await waitFor(() =>
      expect(screen.getByRole('application', { name: /^Flame graph, 4 frames/ })).toHaveAttribute(
        'data-frames-drawn',
        '4'
      )
    );
  });

  it('compares the slice with the whole range, as a differential query', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    render(<FlameScopePanel {...props()} />);
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(1));
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'vs range' })));
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(2));
    expect(runQuery.mock.calls[1][0]).toMatchObject({
      baseline: 'range',
      baselineFrom: START,
      baselineTo: START + 10_000,
    });
  });

  it('vs previous without a previous slice says so and stays a plain graph', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    render(<FlameScopePanel {...props()} />);
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(1));
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'vs previous' })));
    expect(screen.getByTestId('flamescope-no-previous')).toHaveTextContent(/No previous slice yet/);
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(2));
    expect(runQuery.mock.calls[1][0]).toMatchObject({ baseline: 'none' });
  });

  it('a new request aborts the one it replaces: the latest choice wins', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    runQuery.mockReset().mockImplementationOnce(() => new Promise(() => {}));
    runQuery.mockResolvedValue(flameFrame());
    render(<FlameScopePanel {...props()} />);
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(1));
    const stale: AbortSignal = runQuery.mock.calls[0][3];
    expect(stale.aborted).toBe(false);
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: 'vs range' })));
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(2));
    expect(stale.aborted).toBe(true);
    expect(runQuery.mock.calls[1][3].aborted).toBe(false);
    await waitFor(() => expect(screen.getByRole('application', { name: /^Flame graph/ })).toBeInTheDocument());
  });

  it('"show all" loads every frame, keeping the graph shown until it arrives', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const pruned = flameFrame();
    pruned.meta = { ...pruned.meta, custom: { droppedNodes: 7 } };
    let answer: (f: unknown) => void = () => {};
    runQuery
      .mockReset()
      .mockResolvedValueOnce(pruned)
      .mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    render(<FlameScopePanel {...props()} />);
    await waitFor(() => expect(screen.getByTestId('flamescope-flamegraph-show-all')).toBeInTheDocument());
    await act(async () => fireEvent.click(screen.getByTestId('flamescope-flamegraph-show-all')));
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(2));
    // At the root, "show all" is the whole slice to the larger budget.
    expect(runQuery.mock.calls[1][0]).toMatchObject({ from: START + 3240, to: START + 3300, maxNodes: 50_000 });
    expect(runQuery.mock.calls[1][0].focus).toBeUndefined();
    expect(screen.getByRole('application', { name: /^Flame graph/ })).toBeInTheDocument();
    expect(screen.getByTestId('flamescope-flamegraph-pruned')).toHaveTextContent(/Loading every frame/);
    await act(async () => answer(flameFrame()));
    await waitFor(() =>
      expect(screen.getByTestId('flamescope-flamegraph-complete')).toHaveTextContent('Every frame shown')
    );
  });

  it('a resize or another row count keeps the flame graph: no new query', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const base = props();
    const { rerender } = render(<FlameScopePanel {...base} />);
    await waitFor(() => expect(screen.getByRole('application', { name: /^Flame graph/ })).toBeInTheDocument());
    const request = {
      targets: [
        {
          refId: 'A',
          queryType: 'heatmap',
          profiles: ['svc/p.perf'],
          datasource: { uid: 'fs' },
          rows: 25,
          maxColumns: 300,
        },
      ],
    } as never;
    rerender(<FlameScopePanel {...base} width={1000} height={700} data={{ ...base.data, request }} />);
    await act(async () => new Promise((r) => setTimeout(r, 20)));
    expect(runQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('application', { name: /^Flame graph/ })).toBeInTheDocument();
  });

  it('a repeated panel drills down with its own variables and keeps its selection under its own URL key', async () => {
    const base = props();
    const scopedVars = { host: { text: 'api-1', value: 'api-1' } };
    const request = {
      targets: [{ refId: 'A', queryType: 'heatmap', prefix: '$host/', datasource: { uid: 'fs' } }],
      scopedVars,
    } as never;
    search['flamescope-4'] = `${START + 1000}~${START + 2000}`; // an alert's link: the plain key
    search['flamescope-4-api-1'] = `${START + 3240}~${START + 3300}`; // this copy's own selection
    render(
      <FlameScopePanel
        {...base}
        data={{ ...base.data, request }}
        replaceVariables={(text, vars) => text.replace('$host', String((vars as typeof scopedVars)?.host?.value))}
      />
    );
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(1));
    const [query, , vars] = runQuery.mock.calls[0];
    expect(query).toMatchObject({ prefix: '$host/', from: START + 3240, to: START + 3300 });
    expect(vars).toBe(scopedVars);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Clear selection' })));
    expect(partial).toHaveBeenLastCalledWith({ 'flamescope-4-api-1': undefined }, true);
  });

  it('follows the URL when it changes while the panel stays mounted (a link inside the dashboard)', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    render(<FlameScopePanel {...props()} />);
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(1));
    await act(async () => setUrl({ 'flamescope-4': `${START + 5000}~${START + 5100}` }));
    await waitFor(() => expect(runQuery).toHaveBeenCalledTimes(2));
    expect(runQuery.mock.calls[1][0]).toMatchObject({ from: START + 5000, to: START + 5100 });
    await act(async () => setUrl({ 'flamescope-4': undefined }));
    await waitFor(() => expect(screen.queryByTestId('flamescope-flamegraph')).not.toBeInTheDocument());
  });

  it('applies edited options (search) at once, and keeps what the user typed until they change', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const base = props();
    const { rerender } = render(<FlameScopePanel {...base} />);
    const box = () => screen.getByLabelText('Search frames') as HTMLInputElement;
    await waitFor(() => expect(box()).toBeInTheDocument());
    await act(async () => fireEvent.change(box(), { target: { value: 'mark' } }));
    expect(box().value).toBe('mark');
    rerender(<FlameScopePanel {...base} width={810} />);
    expect(box().value).toBe('mark');
    rerender(<FlameScopePanel {...base} options={{ ...base.options, search: 'gc' }} />);
    await waitFor(() => expect(box().value).toBe('gc'));
  });

  it("says why there is no flame graph when the panel's query is not a FlameScope one", async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const base = props();
    const request = { targets: [{ refId: 'A', datasource: 'dashboard', panelId: 2 }] } as never;
    render(<FlameScopePanel {...base} data={{ ...base.data, request }} />);
    await waitFor(() => expect(screen.getByText(/needs a FlameScope data source/)).toBeInTheDocument());
    expect(runQuery).not.toHaveBeenCalled();
  });

  it('zooms the dashboard to the selection and clears it', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const p = props();
    render(<FlameScopePanel {...p} />);
    fireEvent.click(screen.getByRole('button', { name: /Zoom to selection/ }));
    expect(p.onChangeTimeRange).toHaveBeenCalledWith({ from: START + 3240, to: START + 3300 });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Clear selection' })));
    expect(partial).toHaveBeenCalledWith({ 'flamescope-4': undefined }, true);
    expect(screen.queryByTestId('flamescope-flamegraph')).not.toBeInTheDocument();
  });

  it("fits the dashboard to the profiles' span in whole seconds, as the viewer first opens a profile", () => {
    const p = props();
    p.data.series[0].meta = {
      ...p.data.series[0].meta,
      custom: { profiles: [{ id: 'a', from: START + 250.5, to: START + 9990 }] },
    };
    render(<FlameScopePanel {...p} />);
    fireEvent.click(screen.getByRole('button', { name: /Fit to profile/ }));
    expect(p.onChangeTimeRange).toHaveBeenCalledWith({ from: START, to: START + 10_000 });
  });

  it('copies a link to the selection and says "Copied"', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const execCommand = jest.fn(() => true);
    Object.defineProperty(document, 'execCommand', { configurable: true, value: execCommand });
    render(<FlameScopePanel {...props()} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /^Link/ })));
    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(await screen.findByText('Copied')).toBeInTheDocument();
  });

  it('for a file opened in the browser, offers no link that would open another profile, and says why', async () => {
    search['flamescope-4'] = `${START + 3240}~${START + 3300}`;
    const p = props();
    p.data.series[0].meta = { ...p.data.series[0].meta, custom: { localFile: 'out.perf' } };
    render(<FlameScopePanel {...p} />);
    const link = screen.getByRole('button', { name: /^Link/ });
    // Grafana's Button keeps a disabled button focusable (aria-disabled) so its tooltip can say why.
    expect(link).toHaveAttribute('aria-disabled', 'true');
    const execCommand = jest.fn(() => true);
    Object.defineProperty(document, 'execCommand', { configurable: true, value: execCommand });
    fireEvent.click(link);
    expect(execCommand).not.toHaveBeenCalled();
    await act(async () => fireEvent.focus(link));
    expect(await screen.findByText(/A link cannot include out\.perf/)).toBeInTheDocument();
  });

  it("speaks of the dashboard in Grafana and of the time range in the viewer (its boot data's edition)", async () => {
    const { config } = jest.requireActual('@grafana/runtime');
    const { hostWords } = await import('./host-words');
    const edition = config.buildInfo.edition;
    expect(hostWords().zoomTooltip).toMatch(/dashboard's time range/);
    config.buildInfo.edition = 'FlameScope';
    try {
      expect(Object.values(hostWords()).join(' ')).not.toMatch(/dashboard/);
    } finally {
      config.buildInfo.edition = edition;
    }
  });

  it('while the query waits with no figures yet, says it is loading rather than asking for a query', () => {
    const p = props();
    p.data = { ...p.data, series: [], state: LoadingState.Loading };
    render(<FlameScopePanel {...p} />);
    expect(screen.getByTestId('flamescope-waiting')).toHaveTextContent('Loading the heat map');
    expect(screen.queryByText(/choose a FlameScope heat-map query/)).not.toBeInTheDocument();
  });

  it('says what is wrong when the query brought no heat map', () => {
    const p = props();
    p.data = { ...p.data, series: [], errors: [{ message: 'no profile svc/p.perf' }] };
    render(<FlameScopePanel {...p} />);
    expect(screen.getByText('no profile svc/p.perf')).toBeInTheDocument();
  });
});
