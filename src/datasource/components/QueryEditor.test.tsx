import React, { useState } from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { dateTime, TimeRange } from '@grafana/data';
import type { FlameScopeDataSource } from '../datasource';
import { FlameScopeQuery, ProfileEntry } from '../types';
import { QueryEditor } from './QueryEditor';
import { testIds } from './testIds';
import { fakeComboboxLayout } from './testUtils';

const RANGE: TimeRange = {
  from: dateTime(1_700_000_000_000),
  to: dateTime(1_700_000_600_000),
  raw: { from: 'now-10m', to: 'now' },
};

/** The Combobox debounces its loads (200 ms): give async queries room on a busy machine. */
// The global asyncUtilTimeout (jest-setup.js) is used: explicit short timeouts flaked on CI under load.
const ASYNC = {};

function entry(id: string, overrides: Partial<ProfileEntry> = {}): ProfileEntry {
  return { id, size: 1, etag: 'e', lastModified: '', status: 'ready', spanKnown: true, ...overrides };
}

const ENTRIES: ProfileEntry[] = [
  entry('prod/web-01/a.perf', { host: 'web-01', samples: 12345 }),
  entry('prod/web-02/b.perf', { status: 'parsing', progress: { bytesRead: 50, totalBytes: 200 } }),
  entry('prod/README.md', { status: 'skipped', reason: 'not a perf script' }),
];

function fakeDatasource(entries: ProfileEntry[] = ENTRIES) {
  const listProfiles = jest.fn().mockResolvedValue(entries);
  const datasource = { listProfiles, defaults: {} } as unknown as FlameScopeDataSource;
  return { datasource, listProfiles };
}

/** The editor as a panel hosts it: onChange feeds the next render. */
function renderEditor(initial: Partial<FlameScopeQuery> = {}, datasource = fakeDatasource().datasource) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  function Host() {
    const [query, setQuery] = useState<FlameScopeQuery>({ refId: 'A', ...initial });
    return (
      <QueryEditor
        query={query}
        datasource={datasource}
        range={RANGE}
        onRunQuery={onRunQuery}
        onChange={(next) => {
          onChange(next);
          setQuery(next);
        }}
      />
    );
  }
  render(<Host />);
  return { onChange, onRunQuery };
}

function lastQuery(onChange: jest.Mock): FlameScopeQuery {
  return onChange.mock.calls[onChange.mock.calls.length - 1][0];
}

/** Types into a commit-on-blur input and leaves it. */
function commit(input: HTMLElement, value: string) {
  fireEvent.change(input, { target: { value } });
  fireEvent.blur(input);
}

fakeComboboxLayout();

describe('QueryEditor', () => {
  it('switches the query type and runs the query', () => {
    const { onChange, onRunQuery } = renderEditor({ queryType: 'heatmap', profiles: ['p'] });
    const types = screen.getByTestId(testIds.query.queryType);

    fireEvent.click(within(types).getByRole('radio', { name: 'Flame graph' }));

    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'flamegraph', profiles: ['p'] });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('radio', { name: 'Flame graph' })).toBeChecked();
  });

  it('shows heat-map fields only for heat maps, and flame-graph fields only for flame graphs', () => {
    renderEditor({ queryType: 'heatmap' });
    expect(screen.getByTestId(testIds.query.rows)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.query.maxColumns)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.maxNodes)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.baseline)).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('radio', { name: 'Flame graph' }));
    expect(screen.getByTestId(testIds.query.maxNodes)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.query.baseline)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.rows)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.maxColumns)).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('radio', { name: 'Profiles' }));
    expect(screen.queryByTestId(testIds.query.maxNodes)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.profilePicker)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.idle)).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.query.prefix)).toBeInTheDocument();
  });

  it('shows the baseline fields of the chosen baseline mode', () => {
    const { onChange, onRunQuery } = renderEditor({ queryType: 'flamegraph', baseline: 'none' });
    const baseline = screen.getByTestId(testIds.query.baseline);
    expect(screen.queryByTestId(testIds.query.baselineFrom)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.query.baselineProfile)).not.toBeInTheDocument();

    fireEvent.click(within(baseline).getByRole('radio', { name: 'Time range' }));
    expect(lastQuery(onChange).baseline).toBe('range');
    expect(onRunQuery).toHaveBeenCalled();

    commit(screen.getByLabelText('Baseline from'), '1699990000000');
    expect(lastQuery(onChange).baselineFrom).toBe(1_699_990_000_000);

    fireEvent.click(screen.getByTestId(testIds.query.baselineUseRange));
    expect(lastQuery(onChange)).toMatchObject({ baselineFrom: 1_700_000_000_000, baselineTo: 1_700_000_600_000 });
    expect(screen.getByLabelText('to')).toHaveValue(1_700_000_600_000);

    fireEvent.click(within(baseline).getByRole('radio', { name: 'Profile' }));
    expect(screen.queryByTestId(testIds.query.baselineFrom)).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.query.baselineProfile)).toBeInTheDocument();
  });

  it('loads profiles for the dashboard range, leaves skipped objects out, and selects one', async () => {
    const { datasource, listProfiles } = fakeDatasource();
    const { onChange, onRunQuery } = renderEditor({ queryType: 'heatmap' }, datasource);
    const picker = screen.getByTestId(testIds.query.profilePicker);
    expect(picker).toBe(screen.getByRole('combobox', { name: 'Profiles' }));
    expect(listProfiles).not.toHaveBeenCalled(); // nothing is listed until the picker opens

    fireEvent.click(picker);

    const option = await screen.findByRole('option', { name: /prod\/web-01\/a\.perf/ }, ASYNC);
    expect(listProfiles).toHaveBeenCalledWith('', { from: 1_700_000_000_000, to: 1_700_000_600_000 });
    expect(option).toHaveTextContent('web-01 · 12,345 samples · ready');
    expect(screen.getByRole('option', { name: /prod\/web-02\/b\.perf/ })).toHaveTextContent('parsing 25%');
    expect(screen.queryByRole('option', { name: /README/ })).not.toBeInTheDocument();

    fireEvent.click(option);

    expect(lastQuery(onChange).profiles).toEqual(['prod/web-01/a.perf']);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('takes a typed $variable as a profile', async () => {
    const { onChange } = renderEditor({ queryType: 'flamegraph', profiles: ['prod/web-01/a.perf'] });
    const picker = screen.getByTestId(testIds.query.profilePicker);

    fireEvent.click(picker);
    fireEvent.change(picker, { target: { value: '$profile' } });
    const custom = await screen.findByRole('option', { name: /\$profile/ }, ASYNC);
    expect(custom).toHaveTextContent('Use this profile id or $variable');
    fireEvent.click(custom);

    expect(lastQuery(onChange).profiles).toEqual(['prod/web-01/a.perf', '$profile']);
  });

  it('shows an error row when the catalog cannot be listed', async () => {
    const listProfiles = jest.fn().mockRejectedValue(new Error('down'));
    const datasource = { listProfiles, defaults: {} } as unknown as FlameScopeDataSource;
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
    renderEditor({ queryType: 'heatmap' }, datasource);

    fireEvent.click(screen.getByTestId(testIds.query.profilePicker));

    await waitFor(() => expect(listProfiles).toHaveBeenCalled());
    expect(await screen.findByText('An error occurred while loading options.', {}, ASYNC)).toBeInTheDocument();
    consoleError.mockRestore();
  });

  it('updates the prefix on blur, and clears it to undefined', () => {
    const { onChange, onRunQuery } = renderEditor({ queryType: 'heatmap' });
    const prefix = screen.getByTestId(testIds.query.prefix);
    expect(prefix).toBe(screen.getByLabelText('Prefix'));

    fireEvent.change(prefix, { target: { value: 'prod/$host/' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(prefix);
    expect(lastQuery(onChange).prefix).toBe('prod/$host/');
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    commit(prefix, '');
    expect(lastQuery(onChange).prefix).toBeUndefined();

    fireEvent.blur(prefix); // unchanged: no new query
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });

  it('commits the sample filters and the idle switch', () => {
    const { onChange, onRunQuery } = renderEditor({ queryType: 'heatmap', idle: false });

    commit(screen.getByLabelText('PID'), '$pid');
    expect(lastQuery(onChange).pid).toBe('$pid');
    commit(screen.getByLabelText('Command'), 'java');
    expect(lastQuery(onChange).comm).toBe('java');

    fireEvent.click(screen.getByLabelText('Idle'));
    expect(lastQuery(onChange).idle).toBe(true);

    fireEvent.click(within(screen.getByTestId(testIds.query.weight)).getByRole('radio', { name: 'Period' }));
    expect(lastQuery(onChange).weight).toBe('period');
    expect(onRunQuery).toHaveBeenCalledTimes(4);
  });

  it('commits valid rows only', () => {
    const { onChange } = renderEditor({ queryType: 'heatmap', rows: 50 });
    const rows = screen.getByLabelText('Rows');

    commit(rows, '0');
    expect(onChange).not.toHaveBeenCalled();
    expect(rows).toHaveValue(50);

    commit(rows, '100');
    expect(lastQuery(onChange).rows).toBe(100);
  });

  it('shows a panel selection so it can be cleared', () => {
    const { onChange } = renderEditor({ queryType: 'flamegraph', from: 1_700_000_100_000, to: 1_700_000_200_000 });
    const slice = screen.getByTestId(testIds.query.slice);

    fireEvent.click(within(slice).getByRole('button', { name: /whole range/ }));

    const query = lastQuery(onChange);
    expect(query.from).toBeUndefined();
    expect(query.to).toBeUndefined();
    expect(screen.queryByTestId(testIds.query.slice)).not.toBeInTheDocument();
  });
});

// Flush the Combobox's debounced loads left running by the last test.
afterEach(async () => {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
