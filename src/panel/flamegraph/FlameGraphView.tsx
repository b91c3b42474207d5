/**
 * The flame graph: d3-flame-graph in a div, with a toolbar (search, flame/icicle, reset zoom) and a hover line. The
 * chart is imperative, so it lives in a ref: created on first render, updated in place when props change (a new tree
 * is swapped in with update(), a resize or a flip only re-lays it out) and destroyed on unmount.
 */
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { Button, Icon, IconButton, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import flamegraph, { FlameGraph, FlameGraphNode } from 'd3-flame-graph';
import { select } from 'd3-selection';
import { FlameNode, FrameKind } from '../model';
import { diffColor, FRAME_TEXT_COLOR, frameColor, HIGHLIGHT_COLOR } from './colors';
import { FLAMEGRAPH_TEST_ID } from './svg-export';
import { findMatches, nameMatcher } from './tree';

export interface FlameGraphViewProps {
  root: FlameNode;
  width: number;
  height: number;
  search?: string;
  /** Icicle (root at the top) instead of flame; the toolbar can flip it until this prop changes. */
  inverted?: boolean;
  onSearchChange?(search: string): void;
  /** Colour by selection vs baseline (needs valueRight on the nodes). */
  diff?: boolean;
}

const CELL_HEIGHT = 18;
const TOOLBAR_HEIGHT = 40;
const TRANSITION_MS = 250;

/** What the chart holds: a copy of the tree (d3-flame-graph writes zoom state into its data) with colours baked in. */
interface ChartDatum {
  name: string;
  value: number;
  kind: FrameKind;
  valueRight?: number;
  color: string;
  children: ChartDatum[];
}

type Node = FlameGraphNode<ChartDatum>;

interface Totals {
  total: number;
  totalRight: number;
  diff: boolean;
}

interface ChartInstance {
  chart: FlameGraph<ChartDatum>;
  root: FlameNode;
  diff: boolean;
  inverted: boolean;
  /** Frames are highlighted (so an empty search has something to clear). */
  searched: boolean;
}

const ORIENTATIONS: Array<SelectableValue<boolean>> = [
  { label: 'Flame', value: false, description: 'Root at the bottom' },
  { label: 'Icicle', value: true, description: 'Root at the top' },
];

export function FlameGraphView({
  root,
  width,
  height,
  search,
  inverted = false,
  onSearchChange,
  diff = false,
}: FlameGraphViewProps) {
  const styles = useStyles2(getStyles);
  const chartEl = useRef<HTMLDivElement>(null);
  const instance = useRef<ChartInstance | null>(null);
  // Read by the chart's handlers, which are set once: the latest totals without rebuilding the chart.
  const totals = useRef<Totals>({ total: 0, totalRight: 0, diff: false });

  // Local choices (typed search, flipped orientation) last until the matching prop changes.
  const [typed, setTyped] = useState<{ prop?: string; value: string } | null>(null);
  const term = typed && typed.prop === search ? typed.value : (search ?? '');
  const [flipped, setFlipped] = useState<{ prop: boolean; value: boolean } | null>(null);
  const isInverted = flipped && flipped.prop === inverted ? flipped.value : inverted;
  // The tree the user zoomed into a frame of (zoom state belongs to a tree: a new tree starts unzoomed).
  const [zoomedIn, setZoomedIn] = useState<FlameNode | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);

  const matches = useMemo(() => findMatches(root, term), [root, term]);

  const changeTerm = (value: string) => {
    setTyped({ prop: search, value });
    onSearchChange?.(value);
  };

  useEffect(() => {
    const el = chartEl.current;
    if (!el) {
      return;
    }
    // The scroll area's inner size (its scrollbar gutter is reserved); jsdom measures 0, so fall back to the props.
    const w = Math.max(1, el.clientWidth || width);
    const h = Math.max(0, el.clientHeight || height - TOOLBAR_HEIGHT);
    totals.current = { total: root.value, totalRight: root.valueRight ?? 0, diff };
    let inst = instance.current;
    const newTree = !inst || inst.root !== root || inst.diff !== diff;
    const flippedNow = !inst || inst.inverted !== isInverted;
    if (!inst) {
      const chart = createChart(totals, {
        onZoom: (node) => setZoomedIn(node.parent ? (instance.current?.root ?? null) : null),
        onDetails: setHovered,
      });
      chart.width(w).minHeight(h).inverted(isInverted);
      select(el).datum(chartData(root, totals.current)).call(chart);
      inst = instance.current = { chart, root, diff, inverted: isInverted, searched: false };
    } else {
      inst.chart.width(w).minHeight(h).inverted(isInverted);
      inst.chart.update(newTree ? chartData(root, totals.current) : undefined);
      // A new tree is a new hierarchy: nothing in it is highlighted yet.
      Object.assign(inst, { root, diff, inverted: isInverted, searched: inst.searched && !newTree });
    }
    if ((newTree || flippedNow) && !isInverted) {
      // A flame grows upwards from its root: start scrolled to the bottom, where the root is.
      el.scrollTop = el.scrollHeight;
    }
  }, [root, diff, width, height, isInverted]);

  // After the effect above (declaration order), so a new tree is in place before it is searched.
  useEffect(() => {
    const inst = instance.current;
    if (!inst) {
      return;
    }
    if (term !== '') {
      inst.chart.search(term);
      inst.searched = true;
    } else if (inst.searched) {
      inst.chart.clear();
      inst.searched = false;
    }
  }, [term, root, diff]);

  useEffect(
    () => () => {
      instance.current?.chart.destroy();
      instance.current = null;
    },
    []
  );

  return (
    <div className={styles.container} style={{ width, height }}>
      <div className={styles.toolbar}>
        <div className={styles.search}>
          <Input
            value={term}
            placeholder="Search frames (plain text)"
            aria-label="Search frames"
            prefix={<Icon name="search" />}
            suffix={
              term !== '' ? (
                <IconButton name="times" aria-label="Clear search" onClick={() => changeTerm('')} />
              ) : undefined
            }
            onChange={(e) => changeTerm(e.currentTarget.value)}
          />
        </div>
        {term !== '' && (
          <span className={styles.matches} data-testid="flamescope-flamegraph-matches">
            {matchesText(matches.count, matches.percent)}
          </span>
        )}
        <RadioButtonGroup
          size="sm"
          options={ORIENTATIONS}
          value={isInverted}
          onChange={(value) => setFlipped({ prop: inverted, value })}
        />
        <Button
          size="sm"
          variant="secondary"
          icon="search-minus"
          disabled={zoomedIn !== root}
          onClick={() => instance.current?.chart.resetZoom()}
          tooltip="Show the whole graph again (click a frame to zoom into it)"
        >
          Reset zoom
        </Button>
        <span className={styles.details} title={hovered ?? undefined}>
          {hovered?.replace(/\n/g, ' · ')}
        </span>
      </div>
      <div ref={chartEl} className={styles.chart} data-testid={FLAMEGRAPH_TEST_ID} />
    </div>
  );
}

function matchesText(count: number, percent: number): string {
  return `${count} ${count === 1 ? 'match' : 'matches'}, ${formatPercent(percent)} of samples`;
}

interface Handlers {
  onZoom(node: Node): void;
  onDetails(label: string | null): void;
}

function createChart(totals: React.MutableRefObject<Totals>, handlers: Handlers): FlameGraph<ChartDatum> {
  // search() asks once per frame: build the matcher once per term.
  let matcher: [string, (name: string) => boolean] = ['', nameMatcher('')];
  const matches = (name: string, term: string) => {
    if (matcher[0] !== term) {
      matcher = [term, nameMatcher(term)];
    }
    return matcher[1](name);
  };
  return (
    flamegraph<ChartDatum>()
      .cellHeight(CELL_HEIGHT)
      // Frames under a pixel are not drawn: tens of thousands of SVG nodes take seconds to paint.
      // Frames under 2 px are not drawn: a 20k-node slice then paints a few thousand SVG groups, not all of them.
      .minFrameSize(2)
      .transitionDuration(TRANSITION_MS)
      .sort(true)
      .selfValue(false)
      // Otherwise the height is computed once and a deeper tree would be cut off.
      .resetHeightOnZoom(true)
      .setColorMapper((d) => (d.highlight ? HIGHLIGHT_COLOR : d.data.color))
      // Plain text: the default matcher builds a RegExp from the term and throws on `operator((`.
      .setSearchMatch((d, term) => matches(d.data.name, term))
      // Counts are shown from findMatches (independent of the zoom), not from the chart's search sum.
      .setSearchHandler(() => undefined)
      .setLabelHandler((d) => frameLabel(d.data, totals.current))
      .setDetailsHandler(handlers.onDetails)
      .onClick(handlers.onZoom)
  );
}

/** A frame's tooltip (its <title>) and hover line: name, samples, share; selection and baseline in diff graphs. */
function frameLabel(d: Pick<ChartDatum, 'name' | 'value' | 'valueRight'>, totals: Totals): string {
  const lines = [d.name, `${formatCount(d.value)} samples (${formatPercent((100 * d.value) / totals.total)})`];
  if (totals.diff && d.valueRight !== undefined) {
    const base = d.value - d.valueRight;
    const totalBase = totals.total - totals.totalRight;
    lines.push(
      `selection ${formatCount(d.valueRight)} (${formatPercent((100 * d.valueRight) / totals.totalRight)}), ` +
        `baseline ${formatCount(base)} (${formatPercent((100 * base) / totalBase)})`
    );
  }
  return lines.join('\n');
}

function formatCount(v: number): string {
  return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

function formatPercent(p: number): string {
  if (!Number.isFinite(p)) {
    return '–';
  }
  return `${p.toFixed(p !== 0 && Math.abs(p) < 0.1 ? 3 : 2)}%`;
}

function chartData(node: FlameNode, totals: Totals): ChartDatum {
  const color =
    totals.diff && node.valueRight !== undefined
      ? diffColor(node.value, node.valueRight, totals.total, totals.totalRight)
      : frameColor(node.name, node.kind);
  return {
    name: node.name,
    value: node.value,
    kind: node.kind,
    valueRight: node.valueRight,
    color,
    children: node.children.map((c) => chartData(c, totals)),
  };
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    overflow: 'hidden',
  }),
  toolbar: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: TOOLBAR_HEIGHT,
    flex: '0 0 auto',
    padding: theme.spacing(0, 0.5),
    overflow: 'hidden',
  }),
  search: css({
    flex: '0 1 280px',
    minWidth: 120,
  }),
  matches: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  details: css({
    flex: '1 1 0',
    minWidth: 0,
    textAlign: 'right',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  chart: css({
    flex: '1 1 auto',
    minHeight: 0,
    overflowX: 'hidden',
    overflowY: 'auto',
    // Reserve the scrollbar's width up front, so the measured width holds when a tall graph starts scrolling.
    scrollbarGutter: 'stable',
    // Overrides of d3-flame-graph's stylesheet: opaque fills (labels contrast with the fill, whatever the theme),
    // frame borders in the panel's background colour, the theme's font.
    '.d3-flame-graph rect': {
      stroke: theme.colors.background.primary,
      strokeWidth: 0.5,
      fillOpacity: 1,
    },
    '.d3-flame-graph .frame:hover rect': {
      stroke: theme.colors.text.primary,
      strokeWidth: 1,
    },
    '.d3-flame-graph .fade': {
      opacity: 0.6,
    },
    '.d3-flame-graph-label': {
      color: FRAME_TEXT_COLOR,
      fontFamily: theme.typography.fontFamily,
      fontSize: 12,
      lineHeight: `${CELL_HEIGHT}px`,
    },
  }),
});
