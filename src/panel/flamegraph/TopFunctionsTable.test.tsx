import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { FlameNode, FrameKind } from '../model';
import { topFunctions } from './functions';
import { sandwich } from './sandwich';
import { GraphOrientation, SandwichView } from './SandwichView';
import { compactCount, TopFunctionsTable } from './TopFunctionsTable';

function node(name: string, value: number, kind: FrameKind, children: FlameNode[] = [], valueRight?: number) {
  return { name, value, kind, children, ...(valueRight !== undefined ? { valueRight } : {}) } as FlameNode;
}

/**
 * all (100): java (70) [main (60) [parse (40) [alloc (10)], Render (15)], GC (10)], kworker (30) [schedule (30)]
 * self: parse 30, schedule 30, main 5, Render 15, alloc 10, GC 10, java 0, kworker 0.
 */
const TREE = node('all', 100, 'root', [
  node('java', 70, 'thread', [
    node('main', 60, 'jit', [node('parse', 40, 'user', [node('alloc', 10, 'kernel')]), node('Render', 15, 'user')]),
    node('GC', 10, 'user'),
  ]),
  node('kworker', 30, 'thread', [node('schedule', 30, 'kernel')]),
]);

/** The table's rendered body rows, spacers left out (a query, not getAllByRole: slow over many rows in jsdom). */
function bodyRows(): HTMLElement[] {
  return Array.from(screen.getByRole('table').querySelectorAll<HTMLElement>('tbody tr[data-index]'));
}

/** The names of the listed rows, in order. */
function names(): string[] {
  return bodyRows().map((r) => r.querySelector('td')!.textContent!.replace(/(thread|kernel|jit|inlined)$/, ''));
}

function header(label: string): HTMLElement {
  // hidden: skips jsdom's slow visibility check (every ancestor's computed style); nothing here is hidden.
  return screen.getByRole('columnheader', { name: label, hidden: true });
}

async function renderTable(props: Partial<React.ComponentProps<typeof TopFunctionsTable>> = {}) {
  const utils = render(<TopFunctionsTable root={TREE} {...props} />);
  await screen.findAllByRole('row', { selected: false });
  return utils;
}

describe('TopFunctionsTable', () => {
  it('lists every function with self and total, heaviest self first (computed from the tree)', async () => {
    await renderTable();
    expect(names()).toEqual(['parse', 'schedule', 'Render', 'GC', 'alloc', 'main', 'java', 'kworker']);
    const parse = bodyRows()[0];
    expect(
      within(parse)
        .getAllByRole('cell')
        .map((c) => c.textContent)
    ).toEqual(['parse', '30', '30.00%', '40', '40.00%', '']);
    // The screen reader's view of the row: its name and numbers.
    expect(parse).toHaveAccessibleName('parse: self 30 samples, 30.00%; total 40 samples, 40.00%');
    expect(screen.getByRole('status')).toHaveTextContent('8 functions');
  });

  it('sorts by a clicked header, then reverses on a second click', async () => {
    await renderTable();
    expect(header('Self')).toHaveAttribute('aria-sort', 'descending');
    expect(header('Total')).toHaveAttribute('aria-sort', 'none');

    fireEvent.click(within(header('Total')).getByRole('button'));
    expect(header('Total')).toHaveAttribute('aria-sort', 'descending');
    expect(header('Total %')).toHaveAttribute('aria-sort', 'descending');
    expect(header('Self')).toHaveAttribute('aria-sort', 'none');
    expect(names()).toEqual(['java', 'main', 'parse', 'kworker', 'schedule', 'Render', 'GC', 'alloc']);

    fireEvent.click(within(header('Total')).getByRole('button'));
    expect(header('Total')).toHaveAttribute('aria-sort', 'ascending');
    expect(names()).toEqual(['GC', 'alloc', 'Render', 'kworker', 'schedule', 'parse', 'main', 'java']);

    // Names sort A→Z first (plain code-point order, as the graph's search is plain text).
    fireEvent.click(within(header('Function')).getByRole('button'));
    expect(header('Function')).toHaveAttribute('aria-sort', 'ascending');
    expect(names()).toEqual(['GC', 'Render', 'alloc', 'java', 'kworker', 'main', 'parse', 'schedule']);
  });

  it('filters by the search term as the graph does (plain text, any case)', async () => {
    const { rerender } = await renderTable({ search: 'R' });
    expect(names()).toEqual(['parse', 'Render', 'kworker']);
    expect(screen.getByRole('status')).toHaveTextContent('3 of 8 functions match');

    rerender(<TopFunctionsTable root={TREE} search="operator((" />);
    expect(bodyRows()).toHaveLength(0);
    expect(screen.getByText('No function matches "operator(("')).toBeInTheDocument();

    rerender(<TopFunctionsTable root={TREE} search="" />);
    expect(bodyRows()).toHaveLength(8);
  });

  it('selects a row by click or Enter, and opens the sandwich without selecting', async () => {
    const onSelect = jest.fn();
    const onSandwich = jest.fn();
    await renderTable({ onSelect, onSandwich, selected: 'GC' });

    fireEvent.click(screen.getByRole('row', { name: /^schedule:/ }));
    expect(onSelect).toHaveBeenLastCalledWith('schedule');

    const gc = screen.getByRole('row', { name: /^GC:/ });
    expect(gc).toHaveAttribute('aria-selected', 'true');
    // The selected row is the one in the tab order.
    expect(gc).toHaveAttribute('tabindex', '0');
    expect(bodyRows().filter((r) => r.getAttribute('tabindex') === '0')).toHaveLength(1);
    fireEvent.keyDown(gc, { key: 'Enter' });
    expect(onSelect).toHaveBeenLastCalledWith('GC');

    fireEvent.click(screen.getByRole('button', { name: 'Sandwich view of parse' }));
    expect(onSandwich).toHaveBeenCalledWith('parse');
    expect(onSelect).toHaveBeenCalledTimes(2);
  });

  it('moves focus between rows with the arrow keys', async () => {
    await renderTable();
    const rows = bodyRows();
    act(() => rows[0].focus());
    fireEvent.keyDown(rows[0], { key: 'ArrowDown' });
    expect(bodyRows()[1]).toHaveFocus();
    expect(bodyRows()[1]).toHaveAttribute('tabindex', '0');
    expect(bodyRows()[0]).toHaveAttribute('tabindex', '-1');
    fireEvent.keyDown(bodyRows()[1], { key: 'End' });
    expect(bodyRows()[7]).toHaveFocus();
    fireEvent.keyDown(bodyRows()[7], { key: 'ArrowDown' });
    expect(bodyRows()[7]).toHaveFocus();
    fireEvent.keyDown(bodyRows()[7], { key: 'Home' });
    expect(bodyRows()[0]).toHaveFocus();
  });

  it('lists at most maxRows rows, says how many more there are, and renders only those in view', async () => {
    // 1 200 functions under one thread.
    const leaves = Array.from({ length: 1200 }, (_, i) => node(`fn${String(i).padStart(4, '0')}`, 1 + (i % 7), 'user'));
    const total = leaves.reduce((s, l) => s + l.value, 0);
    const root = node('all', total, 'root', [node('t', total, 'thread', leaves)]);
    const { rerender } = render(<TopFunctionsTable root={root} height={600} />);
    await screen.findByText(/more — refine the search/);
    expect(screen.getByRole('status')).toHaveTextContent('1,201 functions · 201 more — refine the search');
    // 1 000 rows listed (and a header row) for assistive technology; a screenful and a few more in the DOM.
    expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '1001');
    const rendered = bodyRows();
    expect(rendered.length).toBeGreaterThan(20);
    expect(rendered.length).toBeLessThan(60);
    expect(rendered[0]).toHaveAttribute('aria-rowindex', '2');
    // The rows not rendered keep their room, so the scroll bar is the whole list's.
    const spacer = screen.getByRole('table').querySelector<HTMLElement>('tbody tr:last-child')!;
    expect(spacer).not.toHaveAttribute('data-index');
    expect(parseInt(spacer.style.height, 10)).toBe((1000 - rendered.length) * 24);

    // Scrolled down 100 rows: those rows are rendered (and 10 above them, for a fast scroll).
    const scroller = screen.getByRole('table').parentElement!;
    scroller.scrollTop = 100 * 24;
    fireEvent.scroll(scroller);
    expect(bodyRows()[0]).toHaveAttribute('data-index', '90');
    // A new order starts at its top.
    fireEvent.click(within(header('Total')).getByRole('button'));
    expect(scroller.scrollTop).toBe(0);
    expect(bodyRows()[0]).toHaveAttribute('data-index', '0');
    scroller.scrollTop = 100 * 24;
    fireEvent.scroll(scroller);

    rerender(<TopFunctionsTable root={root} height={600} search="fn0" maxRows={500} />);
    expect(screen.getByRole('status')).toHaveTextContent(
      '1,000 of 1,201 functions match · 500 more — refine the search'
    );
    expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '501');

    rerender(<TopFunctionsTable root={root} height={600} search="fn000" />);
    expect(bodyRows()).toHaveLength(10);
    expect(screen.getByRole('status')).toHaveTextContent('10 of 1,201 functions match');
    expect(screen.getByRole('status')).not.toHaveTextContent('more');
  });

  it('uses rows given by the caller', () => {
    const rows = topFunctions(TREE).filter((r) => r.kind !== 'thread');
    render(<TopFunctionsTable root={TREE} rows={rows} />);
    // No wait: the rows are there on the first render.
    expect(bodyRows()).toHaveLength(6);
  });

  it('shows baseline, selection and the change for differential graphs', async () => {
    // value = baseline + selection; the selection is 40 of 100, the baseline 60.
    const diff = node(
      'all',
      100,
      'root',
      [node('t', 100, 'thread', [node('grew', 50, 'user', [], 30), node('shrank', 50, 'user', [], 10)], 40)],
      40
    );
    await renderTable({ root: diff, diff: true });
    expect(screen.getByRole('columnheader', { name: 'Change' })).toBeInTheDocument();
    const grew = screen.getByRole('row', { name: /^grew:/ });
    // grew: baseline 20 of 60 (33.33 %), selection 30 of 40 (75 %): +41.67 points.
    expect(
      within(grew)
        .getAllByRole('cell')
        .map((c) => c.textContent)
    ).toEqual(['grew', '50', '50.00%', '50', '50.00%', '33.33%', '75.00%', '+41.67 pp', '']);
    expect(grew).toHaveAccessibleName(/baseline 33.33%, selection 75.00%, change \+41.67 pp$/);

    fireEvent.click(within(screen.getByRole('columnheader', { name: 'Change' })).getByRole('button'));
    expect(names()).toEqual(['grew', 't', 'shrank']);

    // Without diff, no such columns.
    await renderTable({ root: diff });
    expect(screen.getAllByRole('columnheader', { name: 'Change' })).toHaveLength(1);
  });

  it('formats counts compactly', () => {
    expect(compactCount(1234)).toBe('1,234');
    expect(compactCount(99_999)).toBe('99,999');
    expect(compactCount(123_456)).toBe('123.5K');
    expect(compactCount(4_200_000)).toBe('4.2M');
    expect(compactCount(2.5)).toBe('2.5');
  });
});

// SandwichView's tests live here (the file list this work may touch has no SandwichView.test.tsx).
describe('SandwichView', () => {
  it('renders the merged callers as a flame and the callees as an icicle, with totals and a close button', async () => {
    const renderGraph = jest.fn((tree: FlameNode, orientation: GraphOrientation) => (
      <div data-testid={`graph-${orientation}`}>{`${tree.name} ${tree.value} ${tree.children.map((c) => c.name)}`}</div>
    ));
    const onClose = jest.fn();
    render(<SandwichView root={TREE} name="alloc" renderGraph={renderGraph} onClose={onClose} />);
    const region = screen.getByRole('region', { name: 'Sandwich view of alloc' });
    expect(await within(region).findByTestId('graph-flame')).toHaveTextContent('alloc 10 parse');
    expect(within(region).getByTestId('graph-icicle')).toHaveTextContent('alloc 10');
    expect(region).toHaveTextContent('total 10 samples (10.00%) · self 10 (10.00%)');
    const callers = renderGraph.mock.calls.find(([, o]) => o === 'flame')![0];
    const callees = renderGraph.mock.calls.find(([, o]) => o === 'icicle')![0];
    expect(callers).toEqual(sandwich(TREE, 'alloc').callers);
    expect(callees).toEqual(sandwich(TREE, 'alloc').callees);

    fireEvent.click(screen.getByRole('button', { name: 'Close sandwich view' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(region, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('splits its size between the two graphs', async () => {
    const renderGraph = jest.fn((_tree: FlameNode, orientation: GraphOrientation) => <div>{orientation}</div>);
    render(
      <SandwichView
        root={TREE}
        name="parse"
        renderGraph={renderGraph}
        onClose={() => undefined}
        width={800}
        height={600}
      />
    );
    await screen.findByText('flame');
    expect(renderGraph).toHaveBeenLastCalledWith(expect.anything(), 'icicle', { width: 800, height: 262 });
  });
});
