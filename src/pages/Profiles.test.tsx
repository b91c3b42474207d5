import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { DataSourceInstanceSettings } from '@grafana/data';
import type { ProfileEntry } from '../datasource/types';
import { testIds } from '../components/testIds';
import Profiles from './Profiles';
import { fakeComboboxLayout } from '../datasource/components/testUtils';
import { decodeFrame } from '../datasource/frames';
import { buildRequest } from '../datasource/request';

const mockGetList = jest.fn();
const mockGet = jest.fn();

// List again quickly while a profile is being parsed (the page waits 3 s).
jest.mock('../constants', () => ({ ...jest.requireActual('../constants'), PARSING_POLL_MS: 20 }));

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: () => ({
    getList: (...args: unknown[]) => mockGetList(...args),
    get: (...args: unknown[]) => mockGet(...args),
  }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <>{children}</>,
}));

const READY: ProfileEntry = {
  id: 'api-7f9c/2026-11-17T09:30:00Z.perf.gz',
  size: 1_572_864,
  etag: '"a1"',
  lastModified: '2026-11-17T09:30:41.000Z',
  status: 'ready',
  host: 'api-7f9c',
  events: ['cpu-clock'],
  samples: 12345,
  from: 1794907800000, // 2026-11-17 09:30:00 UTC
  to: 1794907840000,
  spanKnown: true,
  anchor: { method: 'key-pattern', precisionMs: 1000, startEpochMs: 1794907790000 },
};
const PARSING: ProfileEntry = {
  id: 'db-01/2026-11-17T09:31:00Z.perf.gz',
  size: 400_000_000,
  etag: '"b2"',
  lastModified: '2026-11-17T09:31:50.000Z',
  status: 'parsing',
  progress: { bytesRead: 42_500_000, totalBytes: 100_000_000 },
  from: 1794907860000,
  to: 1794907910000,
  spanKnown: false,
};
const FAILED: ProfileEntry = {
  id: 'old/no-timestamps.perf',
  size: 2048,
  etag: '"c3"',
  lastModified: '2026-11-17T08:00:00.000Z',
  status: 'failed',
  reason: 'the profile has no timestamps (perf script -F +time)',
  to: 1794902400000,
  spanKnown: false,
};
const SKIPPED: ProfileEntry[] = [
  {
    id: 'api-7f9c/2026-11-17T09:30:00Z.perf.gz.idx',
    size: 52_000,
    etag: '"d4"',
    lastModified: '2026-11-17T09:32:00.000Z',
    status: 'skipped',
    reason: 'a FlameScope index, not a profile',
    spanKnown: false,
  },
  {
    id: 'README.md',
    size: 900,
    etag: '"e5"',
    lastModified: '2026-11-01T00:00:00.000Z',
    status: 'skipped',
    reason: 'a licence or readme file',
    spanKnown: false,
  },
];
const CATALOG = [READY, PARSING, FAILED, ...SKIPPED];

function settings(uid: string, name: string, isDefault = false): DataSourceInstanceSettings {
  return { uid, name, isDefault, type: 'flamescope-flamescope-datasource' } as DataSourceInstanceSettings;
}

/** Data sources by uid, each with its catalog. */
function fakeDataSources(catalogs: Record<string, ProfileEntry[] | Error>, list: DataSourceInstanceSettings[]) {
  const listProfiles: Record<string, jest.Mock> = {};
  for (const [uid, catalog] of Object.entries(catalogs)) {
    listProfiles[uid] = jest.fn(async () => {
      if (catalog instanceof Error) {
        throw catalog;
      }
      return catalog;
    });
  }
  mockGetList.mockReturnValue(list);
  mockGet.mockImplementation(async (uid: string) => ({ uid, listProfiles: listProfiles[uid] }));
  return listProfiles;
}

function renderPage(url = '/a/flamescope-flamescope-app/profiles') {
  return render(
    <MemoryRouter initialEntries={[url]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <Profiles />
    </MemoryRouter>
  );
}

/** The pane Explore would open from a link. */
function explorePane(href: string) {
  const url = new URL(href, 'http://grafana.example');
  expect(url.pathname).toBe('/explore');
  expect(url.searchParams.get('schemaVersion')).toBe('1');
  const panes = JSON.parse(url.searchParams.get('panes') ?? '{}');
  const ids = Object.keys(panes);
  expect(ids).toHaveLength(1);
  return panes[ids[0]];
}

// jsdom has no layout and no canvas, which the data-source Combobox needs.
fakeComboboxLayout();

beforeEach(() => {
  jest.clearAllMocks();
});

describe('Profiles page', () => {
  it('explains FlameScope and links to adding a data source when there is none', () => {
    mockGetList.mockReturnValue([]);
    renderPage();

    expect(mockGetList).toHaveBeenCalledWith({ type: 'flamescope-flamescope-datasource' });
    const empty = screen.getByTestId(testIds.profiles.noDataSource);
    expect(within(empty).getByText('No FlameScope data source yet')).toBeInTheDocument();
    expect(within(empty).getByText(/subsecond-offset heat map/)).toBeInTheDocument();
    expect(within(empty).getByText(/FlameScope sidecar/)).toBeInTheDocument();
    expect(within(empty).getByRole('link', { name: /add a flamescope data source/i })).toHaveAttribute(
      'href',
      '/connections/datasources/new'
    );
    expect(within(empty).getByRole('link', { name: /how to run the sidecar/i })).toHaveAttribute(
      'href',
      '/plugins/flamescope-flamescope-app'
    );
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(mockGet).not.toHaveBeenCalled();
  });

  it('lists the profiles of the data source with host, span, samples, events, status and size', async () => {
    const listProfiles = fakeDataSources({ fs1: CATALOG }, [settings('fs1', 'FlameScope prod')]);
    renderPage();

    const table = await screen.findByTestId(testIds.profiles.table);
    expect(mockGet).toHaveBeenCalledWith('fs1');
    expect(listProfiles.fs1).toHaveBeenCalledWith('');

    expect(within(table).getByText(READY.id)).toBeInTheDocument();
    expect(within(table).getByText('api-7f9c')).toBeInTheDocument();
    expect(within(table).getByText('12,345')).toBeInTheDocument();
    expect(within(table).getByText('cpu-clock')).toBeInTheDocument();
    expect(within(table).getByText('2026-11-17 09:30:00 – 09:30:40')).toBeInTheDocument();
    expect(within(table).getByText('1.5 MiB')).toBeInTheDocument();
    expect(within(table).getByText('ready')).toBeInTheDocument();

    expect(within(table).getByText(PARSING.id)).toBeInTheDocument();
    expect(within(table).getByText('parsing 42%')).toBeInTheDocument();
    expect(within(table).getByLabelText('Parsed 42%')).toBeInTheDocument();

    expect(within(table).getByText('failed')).toBeInTheDocument();
    expect(within(table).getByText(FAILED.reason!)).toBeInTheDocument();
    expect(screen.getByText('3 profiles, 2 other objects')).toBeInTheDocument();
  });

  it('lists skipped objects only in the collapsed "not profiles" section, with their reasons', async () => {
    fakeDataSources({ fs1: CATALOG }, [settings('fs1', 'FlameScope prod')]);
    renderPage();

    const table = await screen.findByTestId(testIds.profiles.table);
    for (const entry of SKIPPED) {
      expect(within(table).queryByText(entry.id)).not.toBeInTheDocument();
      expect(screen.queryByText(entry.id)).not.toBeInTheDocument();
    }
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 3); // the header and three profiles

    const header = screen.getByTestId(testIds.profiles.notProfilesHeader);
    expect(header).toHaveTextContent('Not profiles (2)');
    expect(screen.queryByTestId(testIds.profiles.notProfiles)).not.toBeInTheDocument();
    fireEvent.click(header);

    const section = screen.getByTestId(testIds.profiles.notProfiles);
    for (const entry of SKIPPED) {
      expect(within(section).getByText(entry.id)).toBeInTheDocument();
      expect(within(section).getByText(new RegExp(entry.reason!))).toBeInTheDocument();
    }
    for (const entry of [READY, PARSING, FAILED]) {
      expect(within(section).queryByText(entry.id)).not.toBeInTheDocument();
    }
  });

  it("links each profile to Explore: a flame-graph query for it on this data source over the profile's span", async () => {
    fakeDataSources({ 'fs-uid-42': CATALOG }, [settings('fs-uid-42', 'FlameScope prod')]);
    renderPage();

    const link = await screen.findByRole('link', { name: `Explore ${READY.id}` });
    const href = link.getAttribute('href')!;
    const decoded = decodeURIComponent(href);
    expect(decoded).toContain('fs-uid-42');
    expect(decoded).toContain(READY.id);

    expect(explorePane(href)).toEqual({
      datasource: 'fs-uid-42',
      queries: [
        {
          refId: 'A',
          datasource: { type: 'flamescope-flamescope-datasource', uid: 'fs-uid-42' },
          queryType: 'flamegraph',
          profiles: [READY.id],
        },
      ],
      // Whole seconds, the last sample's second included.
      range: { from: '1794907800000', to: '1794907841000' },
    });

    const parsing = explorePane(screen.getByRole('link', { name: `Explore ${PARSING.id}` }).getAttribute('href')!);
    expect(parsing.queries[0].profiles).toEqual([PARSING.id]);
    // A failed profile has nothing to explore.
    expect(screen.queryByRole('link', { name: `Explore ${FAILED.id}` })).not.toBeInTheDocument();
  });

  it('links to a query whose answer Explore can draw: the flame graph of the whole profile', async () => {
    fakeDataSources({ fs1: CATALOG }, [settings('fs1', 'FlameScope prod')]);
    renderPage();
    const pane = explorePane((await screen.findByRole('link', { name: `Explore ${READY.id}` })).getAttribute('href')!);

    // The data source turns the linked query into the sidecar's flame-graph request for that profile and span…
    const range = { from: Number(pane.range.from), to: Number(pane.range.to) };
    const request = buildRequest(pane.queries[0], range, (text) => [text]);
    expect(request.path).toBe('/api/v1/flamegraph');
    expect(request.params).toMatchObject({ profile: [READY.id], from: pane.range.from, to: pane.range.to });
    // …whose frame Explore hands to its Flame Graph visualisation (heat-map cells it would show as a bare table).
    const frame = decodeFrame(
      {
        schema: {
          name: 'flamegraph',
          fields: ['level', 'value', 'self', 'label'].map((name) => ({
            name,
            type: name === 'label' ? 'string' : 'number',
          })),
        } as any,
        data: { values: [[0], [1], [1], ['all']] },
      },
      'A'
    );
    expect(frame.meta?.preferredVisualisationType).toBe('flamegraph');
  });

  it('shows the catalog of the data source named in the URL, and switches with the picker', async () => {
    const listProfiles = fakeDataSources({ a: [READY], b: [PARSING] }, [
      settings('a', 'FlameScope A', true),
      settings('b', 'FlameScope B'),
    ]);
    renderPage('/a/flamescope-flamescope-app/profiles?datasource=b');

    expect(await screen.findByText(PARSING.id)).toBeInTheDocument();
    expect(screen.queryByText(READY.id)).not.toBeInTheDocument();
    expect(listProfiles.a).not.toHaveBeenCalled();

    const picker = screen.getByRole('combobox', { name: 'Data source' });
    expect(picker).toHaveValue('FlameScope B');
    fireEvent.click(picker);
    fireEvent.click(await screen.findByRole('option', { name: 'FlameScope A' }));

    expect(await screen.findByText(READY.id)).toBeInTheDocument();
    expect(screen.queryByText(PARSING.id)).not.toBeInTheDocument();
  });

  it('opens on the default FlameScope data source when the URL names none', async () => {
    fakeDataSources({ a: [READY], b: [PARSING] }, [settings('a', 'FlameScope A'), settings('b', 'FlameScope B', true)]);
    renderPage();

    expect(await screen.findByText(PARSING.id)).toBeInTheDocument();
    expect(mockGet).toHaveBeenCalledWith('b');
  });

  it('lists the catalog again on refresh', async () => {
    const listProfiles = fakeDataSources({ fs1: [READY] }, [settings('fs1', 'FlameScope prod')]);
    renderPage();
    await screen.findByText(READY.id);

    fireEvent.click(screen.getByTestId(testIds.profiles.refresh));
    await waitFor(() => expect(listProfiles.fs1).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(screen.getByTestId(testIds.profiles.refresh)).toBeEnabled());
    expect(screen.getByText(READY.id)).toBeInTheDocument();
  });

  it('lists the catalog again while a profile is being parsed, until it is ready', async () => {
    const listProfiles = jest
      .fn()
      .mockResolvedValueOnce([PARSING])
      .mockResolvedValueOnce([{ ...PARSING, progress: { bytesRead: 90, totalBytes: 100 } }])
      .mockResolvedValue([{ ...PARSING, status: 'ready', progress: undefined, samples: 777, spanKnown: true }]);
    mockGetList.mockReturnValue([settings('fs1', 'FlameScope prod')]);
    mockGet.mockResolvedValue({ listProfiles });
    renderPage();

    expect(await screen.findByText('parsing 42%')).toBeInTheDocument();
    expect(await screen.findByText('parsing 90%')).toBeInTheDocument();
    expect(await screen.findByText('ready')).toBeInTheDocument();
    expect(screen.getByText('777')).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listProfiles).toHaveBeenCalledTimes(3);
  });

  it("shows the sidecar's error when the catalog cannot be listed", async () => {
    fakeDataSources({ fs1: new Error('the sidecar did not answer') }, [settings('fs1', 'FlameScope prod')]);
    renderPage();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Cannot list the profiles of FlameScope prod');
    expect(alert).toHaveTextContent('the sidecar did not answer');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says so when the storage holds no profiles', async () => {
    fakeDataSources({ fs1: SKIPPED }, [settings('fs1', 'FlameScope prod')]);
    renderPage();

    expect(await screen.findByText("No profiles in this data source's storage")).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.profiles.notProfilesHeader)).toHaveTextContent('Not profiles (2)');
  });
});
