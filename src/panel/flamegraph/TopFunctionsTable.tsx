/**
 * The top-functions table: the flame graph summed per function (self and total samples and shares; in differential
 * graphs each total's share of the baseline and of the selection and the change), sortable by any column, filtered
 * by the graph's search term (same plain-text matcher), capped at a few hundred rendered rows. It is also the
 * accessible view of the graph: rows are focusable (arrows move, Enter selects) and labelled with name and numbers.
 */
import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2 } from '@grafana/ui';
import { FlameNode } from '../model';
import { FunctionRow, topFunctionsAsync } from './functions';
import { nameMatcher } from './tree';
import { SCREEN_READER_ONLY } from './a11y-styles';

export type TopFunctionsSortKey = 'name' | 'self' | 'total' | 'baseline' | 'selection' | 'change';

export interface TopFunctionsSort {
  key: TopFunctionsSortKey;
  /** Largest (or last in name order) first. */
  desc: boolean;
}

export interface TopFunctionsTableProps {
  /** The flame graph: its root's value is 100 % (and, in diffs, its valueRight the selection's 100 %). */
  root: FlameNode;
  /**
   * The rows, if computed elsewhere (a worker, or `topFunctionsAsync` shared with another view). By default they are
   * computed here from `root`, in slices of a few ms (the previous tree's rows stay up meanwhile).
   */
  rows?: FunctionRow[];
  /** The graph's search term: only functions whose name contains it (plain text, any case) are listed. */
  search?: string;
  /** The function highlighted in the graph: its row is marked selected. */
  selected?: string;
  /** A row was clicked (or Enter/Space pressed on it). */
  onSelect?(name: string): void;
  /** The row's "Sandwich" button: show callers and callees of that function. */
  onSandwich?(name: string): void;
  /** Baseline/selection/change columns (needs valueRight on the root, as the graph's diff colouring). */
  diff?: boolean;
  /**
   * Rows listed at most (the rest are counted in a note: "N more — refine the search"); default 1000. Only the rows
   * in view are in the DOM (virtualised), whatever this is.
   */
  maxRows?: number;
  /** Initial sort; default self, largest first. Later clicks on headers change it. */
  initialSort?: TopFunctionsSort;
  /** Size in px; by default the table fills its parent (and scrolls). */
  width?: number;
  height?: number;
}

export const TOP_FUNCTIONS_TEST_ID = 'flamescope-top-functions';
export const DEFAULT_MAX_ROWS = 1000;
/** Every row is this tall (names are cut with an ellipsis), so the rows in view follow from the scroll position. */
const ROW_HEIGHT = 24;
/** Rows rendered beyond either edge of the view, so a fast scroll does not show blank space. */
const OVERSCAN_ROWS = 10;
/** The scroll area's height until it is measured. */
const FALLBACK_VIEWPORT = 800;
const MIN_NAME_WIDTH = 160;
const ACTIONS_WIDTH = 32;
const DEFAULT_SORT: TopFunctionsSort = { key: 'self', desc: true };

interface Computed {
  root: FlameNode;
  rows: FunctionRow[];
}

/**
 * The top functions of `root`, computed in slices (never a long task, whatever the tree's size); a new root cancels
 * the previous computation. Until the first result: undefined; then the latest finished result, with its root (so
 * shares are taken against the tree the rows came from while a newer one is summed). Given `rows`, just those.
 */
export function useTopFunctions(root: FlameNode, rows?: FunctionRow[]): Computed | undefined {
  const [computed, setComputed] = useState<Computed | undefined>(undefined);
  const given = rows !== undefined;
  useEffect(() => {
    if (given) {
      return;
    }
    const controller = new AbortController();
    topFunctionsAsync(root, { signal: controller.signal }).then(
      (result) => setComputed({ root, rows: result }),
      () => undefined // Cancelled: a newer root is being summed.
    );
    return () => controller.abort();
  }, [root, given]);
  const passed = useMemo(() => (rows !== undefined ? { root, rows } : undefined), [root, rows]);
  return passed ?? computed;
}

interface Column {
  key: TopFunctionsSortKey;
  label: string;
  /** What the header's sort button says to a screen reader. */
  description: string;
  numeric: boolean;
  /** Fixed width in px (the function name takes the rest). */
  width?: number;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Function', description: 'function name', numeric: false },
  { key: 'self', label: 'Self', description: 'self samples', numeric: true, width: 72 },
  { key: 'self', label: 'Self %', description: 'self share', numeric: true, width: 76 },
  { key: 'total', label: 'Total', description: 'total samples', numeric: true, width: 72 },
  { key: 'total', label: 'Total %', description: 'total share', numeric: true, width: 80 },
];

const DIFF_COLUMNS: Column[] = [
  { key: 'baseline', label: 'Baseline', description: "total's share of the baseline", numeric: true, width: 84 },
  { key: 'selection', label: 'Selection', description: "total's share of the selection", numeric: true, width: 88 },
  {
    key: 'change',
    label: 'Change',
    description: 'change of the share, selection minus baseline',
    numeric: true,
    width: 96,
  },
];

/** A row with what the table shows and sorts by. */
interface View {
  row: FunctionRow;
  /** Diffs: the total's share of the baseline, of the selection, and the change (percentage points). */
  baseline: number;
  selection: number;
  change: number;
}

export function TopFunctionsTable({
  root,
  rows,
  search = '',
  selected,
  onSelect,
  onSandwich,
  diff = false,
  maxRows = DEFAULT_MAX_ROWS,
  initialSort = DEFAULT_SORT,
  width,
  height,
}: TopFunctionsTableProps) {
  const styles = useStyles2(getStyles);
  const computed = useTopFunctions(root, rows);
  const [sort, setSort] = useState<TopFunctionsSort>(initialSort);
  // Roving focus: one row is in the tab order (arrows move it), so a thousand rows are not a thousand tab stops.
  const [focusName, setFocusName] = useState<string | undefined>(undefined);
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLTableSectionElement>(null);
  // A row to focus once it is rendered (arrows may move to a row outside the rendered window).
  const pendingFocus = useRef<number | null>(null);
  const viewport = useViewport(scroller, height);

  const isDiff = diff && computed?.root.valueRight !== undefined;
  const columns = isDiff ? [...COLUMNS, ...DIFF_COLUMNS] : COLUMNS;

  const views = useMemo(() => (computed ? toViews(computed, isDiff) : []), [computed, isDiff]);
  const matching = useMemo(() => {
    if (search === '') {
      return views;
    }
    const matches = nameMatcher(search);
    return views.filter((v) => matches(v.row.name));
  }, [views, search]);
  const sorted = useMemo(() => [...matching].sort(comparator(sort)), [matching, sort]);
  const listed = sorted.length > maxRows ? sorted.slice(0, maxRows) : sorted;
  const hidden = sorted.length - listed.length;

  // A new order or filter starts from its top row: decided while rendering (React renders again at once, before
  // committing), so the rows at the top are the only ones put in the DOM.
  const order = `${sort.key} ${sort.desc} ${search}`;
  const [lastOrder, setLastOrder] = useState(order);
  if (lastOrder !== order) {
    setLastOrder(order);
    viewport.scrollTo(0);
  }

  // Virtualised: only the rows in view (and a few either side) are in the DOM, between two spacer rows. The scroll
  // position is clamped to the list (a shorter list may not have had its scroll event yet).
  const scrollTop = Math.min(viewport.scrollTop, Math.max(0, (listed.length + 1) * ROW_HEIGHT - viewport.height));
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(listed.length, Math.ceil((scrollTop + viewport.height) / ROW_HEIGHT) + OVERSCAN_ROWS);
  const shown = listed.slice(first, last);

  const tabName = shown.some((v) => v.row.name === focusName)
    ? focusName
    : shown.some((v) => v.row.name === selected)
      ? selected
      : shown[0]?.row.name;

  useEffect(() => {
    const index = pendingFocus.current;
    if (index !== null && index >= first && index < last) {
      pendingFocus.current = null;
      body.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${index}"]`)?.focus();
    }
  });

  const onHeader = (key: TopFunctionsSortKey) =>
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: key !== 'name' }));

  const focusRow = (to: number) => {
    const index = Math.max(0, Math.min(listed.length - 1, to));
    const target = listed[index];
    const el = scroller.current;
    if (!target || !el) {
      return;
    }
    // Scroll it into view (below the sticky header), then focus it once rendered.
    const top = index * ROW_HEIGHT;
    const header = body.current?.offsetTop ?? ROW_HEIGHT;
    if (top < el.scrollTop) {
      el.scrollTop = top;
    } else if (top + ROW_HEIGHT + header > el.scrollTop + el.clientHeight) {
      el.scrollTop = top + ROW_HEIGHT + header - el.clientHeight;
    }
    viewport.sync();
    pendingFocus.current = index;
    setFocusName(target.row.name);
    body.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${index}"]`)?.focus();
  };

  const onRowKey = (e: React.KeyboardEvent<HTMLTableRowElement>, index: number, name: string) => {
    if (e.target !== e.currentTarget) {
      return; // A key on the row's button is the button's.
    }
    const page = Math.max(1, Math.floor(viewport.height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: listed.length - 1,
    };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect?.(name);
    } else if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]);
    }
  };

  return (
    <div
      className={styles.container}
      style={{ width: width ?? '100%', height: height ?? '100%' }}
      data-testid={TOP_FUNCTIONS_TEST_ID}
    >
      <div className={styles.scroll} ref={scroller} onScroll={viewport.sync}>
        <table
          className={styles.table}
          style={{ minWidth: MIN_NAME_WIDTH + columns.reduce((w, c) => w + (c.width ?? 0), 0) + ACTIONS_WIDTH }}
          aria-label="Top functions"
          aria-rowcount={listed.length + 1}
        >
          <colgroup>
            {columns.map((c) => (
              <col key={c.label} style={c.width ? { width: c.width } : undefined} />
            ))}
            <col style={{ width: ACTIONS_WIDTH }} />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              {columns.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.label}
                    scope="col"
                    className={cx(styles.th, c.numeric && styles.numeric)}
                    aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      className={styles.sortButton}
                      onClick={() => onHeader(c.key)}
                      title={`Sort by ${c.description}`}
                    >
                      {c.label}
                      <span className={styles.sortMark} aria-hidden>
                        {active ? (sort.desc ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
              <th scope="col" className={styles.th}>
                <span className={styles.srOnly}>Actions</span>
              </th>
            </tr>
          </thead>
          <tbody ref={body}>
            {first > 0 && <tr aria-hidden style={{ height: first * ROW_HEIGHT }} />}
            {shown.map((v, i) => {
              const index = first + i;
              const name = v.row.name;
              const isSelected = name === selected;
              const tabIndex = name === tabName ? 0 : -1;
              return (
                <tr
                  // By position: a new order or a scroll updates the rows in place rather than replacing them.
                  key={index}
                  data-index={index}
                  className={cx(styles.row, isSelected && styles.selected)}
                  tabIndex={tabIndex}
                  aria-selected={isSelected}
                  aria-rowindex={index + 2}
                  aria-label={rowLabel(v, isDiff)}
                  onClick={() => onSelect?.(name)}
                  onFocus={() => setFocusName(name)}
                  onKeyDown={(e) => onRowKey(e, index, name)}
                >
                  <td title={`${name} (${v.row.kind})`}>
                    <div className={styles.name}>
                      <span className={styles.nameText}>{name}</span>
                      {v.row.kind !== 'user' && <span className={styles.kind}>{v.row.kind}</span>}
                    </div>
                  </td>
                  <td className={styles.numeric} title={exact(v.row.self)}>
                    {compactCount(v.row.self)}
                  </td>
                  <td className={styles.numeric}>{formatPercent(v.row.selfPercent)}</td>
                  <td className={styles.numeric} title={exact(v.row.total)}>
                    {compactCount(v.row.total)}
                  </td>
                  <td className={styles.numeric}>{formatPercent(v.row.totalPercent)}</td>
                  {isDiff && (
                    <>
                      <td className={styles.numeric}>{formatPercent(v.baseline)}</td>
                      <td className={styles.numeric}>{formatPercent(v.selection)}</td>
                      <td
                        className={cx(
                          styles.numeric,
                          v.change > 0 ? styles.more : v.change < 0 ? styles.less : undefined
                        )}
                      >
                        {formatChange(v.change)}
                      </td>
                    </>
                  )}
                  <td className={styles.actions}>
                    {onSandwich && (
                      <IconButton
                        name="gf-show-context"
                        size="sm"
                        aria-label={`Sandwich view of ${name}`}
                        title="Sandwich view: callers and callees"
                        tabIndex={tabIndex}
                        onClick={(e) => {
                          e.stopPropagation();
                          onSandwich(name);
                        }}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
            {last < listed.length && <tr aria-hidden style={{ height: (listed.length - last) * ROW_HEIGHT }} />}
          </tbody>
        </table>
        {!computed && <div className={styles.note}>Summing functions…</div>}
        {computed && sorted.length === 0 && (
          <div className={styles.note}>{search !== '' ? `No function matches "${search}"` : 'No samples'}</div>
        )}
      </div>
      <div className={styles.footer} role="status" aria-live="polite">
        {computed && footerText(views.length, sorted.length, hidden, search)}
      </div>
    </div>
  );
}

interface Viewport {
  scrollTop: number;
  /** The scroll area's height (measured; until then, or in jsdom, the `height` prop or a screenful). */
  height: number;
  /** Reads the scroll position again (on scroll). */
  sync(): void;
  /** Scrolls to `top`: the rows there are rendered, then the scroll area is moved to them (no layout in between). */
  scrollTo(top: number): void;
}

/** The scroll area's scroll position and height, kept up to date on scroll and resize. */
function useViewport(ref: React.RefObject<HTMLDivElement>, heightProp: number | undefined): Viewport {
  // measured: 0 until measured, and in jsdom (no layout). target: a scroll position to apply once rendered.
  const [state, setState] = useState<{ scrollTop: number; measured: number; target: number | null }>({
    scrollTop: 0,
    measured: 0,
    target: null,
  });
  const update = useCallback(
    (scrollTop: number, measured: number | undefined) =>
      setState((s) => {
        const m = measured ?? s.measured;
        return s.scrollTop === scrollTop && s.measured === m ? s : { scrollTop, measured: m, target: s.target };
      }),
    []
  );
  // On scroll only the position is read (the height comes from the resize observer): no layout forced per event.
  const sync = useCallback(() => update(ref.current?.scrollTop ?? 0, undefined), [ref, update]);
  const scrollTo = useCallback(
    (top: number) =>
      setState((s) => (s.scrollTop === top && s.target === null ? s : { ...s, scrollTop: top, target: top })),
    []
  );
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    update(el.scrollTop, el.clientHeight);
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver((entries) => update(el.scrollTop, entries[0]?.contentRect.height));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, update]);
  useLayoutEffect(() => {
    if (state.target !== null && ref.current) {
      ref.current.scrollTop = state.target;
      setState((s) => (s.target === null ? s : { ...s, target: null }));
    }
  }, [ref, state.target]);
  return { scrollTop: state.scrollTop, height: state.measured || heightProp || FALLBACK_VIEWPORT, sync, scrollTo };
}

function toViews(computed: Computed, diff: boolean): View[] {
  const { total, totalRight } = rootTotals(computed.root);
  const totalBase = total - totalRight;
  return computed.rows.map((row) => {
    if (!diff) {
      return { row, baseline: 0, selection: 0, change: 0 };
    }
    const right = row.totalRight ?? 0;
    const baseline = totalBase > 0 ? (100 * (row.total - right)) / totalBase : 0;
    const selection = totalRight > 0 ? (100 * right) / totalRight : 0;
    return { row, baseline, selection, change: selection - baseline };
  });
}

function rootTotals(root: FlameNode) {
  return { total: root.value, totalRight: root.valueRight ?? 0 };
}

function comparator(sort: TopFunctionsSort): (a: View, b: View) => number {
  const sign = sort.desc ? -1 : 1;
  const byName = (a: View, b: View) => (a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0);
  const key = (v: View): number => {
    switch (sort.key) {
      case 'self':
        return v.row.self;
      case 'total':
        return v.row.total;
      case 'baseline':
        return v.baseline;
      case 'selection':
        return v.selection;
      case 'change':
        return v.change;
      default:
        return 0;
    }
  };
  if (sort.key === 'name') {
    return (a, b) => sign * byName(a, b);
  }
  // Ties by name (ascending whatever the direction), so the order is stable across clicks.
  return (a, b) => sign * (key(a) - key(b)) || byName(a, b);
}

function footerText(all: number, matching: number, hidden: number, search: string): string {
  const count =
    search !== '' ? `${matching.toLocaleString('en-US')} of ${plural(all, 'function')} match` : plural(all, 'function');
  return hidden > 0 ? `${count} · ${hidden.toLocaleString('en-US')} more — refine the search` : count;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function rowLabel(v: View, diff: boolean): string {
  const r = v.row;
  let label =
    `${r.name}: self ${exact(r.self)} samples, ${formatPercent(r.selfPercent)}; ` +
    `total ${exact(r.total)} samples, ${formatPercent(r.totalPercent)}`;
  if (diff) {
    label +=
      `; baseline ${formatPercent(v.baseline)}, selection ${formatPercent(v.selection)}, ` +
      `change ${formatChange(v.change)}`;
  }
  return label;
}

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Counts up to 99 999 in full (1,234); above, compact (123.5K, 4.2M); in full in the cell's title. */
export function compactCount(v: number): string {
  return Math.abs(v) < 100_000 ? exact(v) : COMPACT.format(v);
}

// One formatter, made once: toLocaleString (as heatmap/format's formatCount) builds one per call, ~0.1 ms each.
const EXACT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A count in full: 1,234 (period weights to 2 decimals). */
function exact(v: number): string {
  return EXACT.format(v);
}

/** Percentages as the graph's hover line writes them: 2 decimals, 3 under 0.1 %. */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) {
    return '–';
  }
  return `${p.toFixed(p !== 0 && Math.abs(p) < 0.1 ? 3 : 2)}%`;
}

/** A change in percentage points, signed. */
function formatChange(pp: number): string {
  if (!Number.isFinite(pp)) {
    return '–';
  }
  const text = Math.abs(pp).toFixed(pp !== 0 && Math.abs(pp) < 0.1 ? 3 : 2);
  return pp > 0 ? `+${text} pp` : pp < 0 ? `−${text} pp` : `${text} pp`;
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
    overflow: 'hidden',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  scroll: css({
    flex: '1 1 auto',
    minHeight: 0,
    overflow: 'auto',
  }),
  table: css({
    width: '100%',
    borderCollapse: 'separate',
    borderSpacing: 0,
    // Fixed: column widths from the colgroup, not from the rows rendered at the moment (they change on scroll).
    tableLayout: 'fixed',
  }),
  th: css({
    position: 'sticky',
    top: 0,
    zIndex: 1,
    background: theme.colors.background.secondary,
    borderBottom: `1px solid ${theme.colors.border.medium}`,
    padding: 0,
    fontWeight: theme.typography.fontWeightMedium,
    whiteSpace: 'nowrap',
    textAlign: 'left',
  }),
  sortButton: css({
    all: 'unset',
    boxSizing: 'border-box',
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'inherit',
    gap: theme.spacing(0.5),
    width: '100%',
    padding: theme.spacing(0.5, 1),
    cursor: 'pointer',
    color: theme.colors.text.primary,
    '&:hover': {
      background: theme.colors.action.hover,
    },
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
      outlineOffset: -2,
    },
  }),
  sortMark: css({
    fontSize: 9,
    minWidth: 9,
    color: theme.colors.text.secondary,
  }),
  row: css({
    cursor: 'pointer',
    height: ROW_HEIGHT,
    td: {
      height: ROW_HEIGHT,
      padding: theme.spacing(0, 1),
      lineHeight: `${ROW_HEIGHT - 1}px`,
      overflow: 'hidden',
      // A line drawn inside the cell, so the row stays exactly ROW_HEIGHT tall.
      boxShadow: `inset 0 -1px 0 ${theme.colors.border.weak}`,
    },
    '&:hover': {
      background: theme.colors.action.hover,
    },
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
      outlineOffset: -2,
    },
  }),
  selected: css({
    background: theme.colors.action.selected,
    '&:hover': {
      background: theme.colors.action.selected,
    },
  }),
  name: css({
    display: 'flex',
    alignItems: 'center',
    minWidth: 0,
  }),
  nameText: css({
    flex: '0 1 auto',
    minWidth: 0,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
    fontFamily: theme.typography.fontFamilyMonospace,
  }),
  kind: css({
    flex: '0 0 auto',
    marginLeft: theme.spacing(1),
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.default,
    border: `1px solid ${theme.colors.border.weak}`,
    color: theme.colors.text.secondary,
    fontSize: 10,
    lineHeight: '14px',
  }),
  numeric: css({
    textAlign: 'right',
    whiteSpace: 'nowrap',
    fontVariantNumeric: 'tabular-nums',
    button: {
      justifyContent: 'flex-end',
    },
  }),
  more: css({
    color: theme.colors.error.text,
  }),
  less: css({
    color: theme.colors.info.text,
  }),
  actions: css({
    whiteSpace: 'nowrap',
    textAlign: 'center',
    verticalAlign: 'middle',
  }),
  note: css({
    padding: theme.spacing(1),
    color: theme.colors.text.secondary,
  }),
  footer: css({
    flex: '0 0 auto',
    padding: theme.spacing(0.5, 1),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    '&:empty': {
      display: 'none',
    },
  }),
  srOnly: css(SCREEN_READER_ONLY),
});
