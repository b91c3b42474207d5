/**
 * FlameScope's subsecond-offset heat map on a canvas: x is the dashboard's time range (lines up with other panels),
 * y the offset within the second (0 at the bottom), colour the samples per cell. Select a range by dragging, or
 * FlameScope's way (click a start, then an end, with a preview in between), or by keyboard; Esc clears.
 * Hover and brushing run imperatively (HeatmapDriver) at frame rate; React renders on props, selections and the
 * pending start only.
 */
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { TimeZone } from '@grafana/schema';
import { IconButton, useStyles2, useTheme2 } from '@grafana/ui';
import React, { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Cell, HeatmapGrid, HeatmapPalette, Selection } from '../model';
import { colorCap, ColorScaleMode } from './color-cap';
import { colorScale, legendGradient, legendStops } from './colors';
import { HeatmapDriver } from './driver';
import { formatClock, formatCount, formatSelection, offsetTicks, timeTicks } from './format';
import { Layout } from './grid';
import { selectionFromCells } from './selection';

export interface HeatmapCanvasProps {
  grid: HeatmapGrid;
  width: number;
  height: number;
  /** The dashboard's time range: the x axis. */
  fromMs: number;
  toMs: number;
  palette: HeatmapPalette;
  colorScale?: ColorScaleMode;
  timeZone?: TimeZone;
  selection?: Selection;
  onSelect: (selection: Selection | undefined) => void;
  /** The time of the cell under the pointer (or keyboard cursor), when it changes; undefined on leaving. */
  onHover?: (timeMs: number | undefined) => void;
  theme?: GrafanaTheme2;
}

/** A column at least this wide gets the note that its width is one second. */
const WIDE_COLUMN_PX = 200;
export const WIDE_COLUMN_NOTE = 'each column is one second; up the column is the time within it';

/** Room around the plot (CSS px): selection line above; x axis and legend below; y axis on the left. */
export const PLOT_INSETS = { top: 22, right: 8, bottom: 44, left: 44 };

/** The plot's size for a component of the given size. */
export function plotSize(width: number, height: number): { width: number; height: number } {
  return {
    width: Math.max(0, width - PLOT_INSETS.left - PLOT_INSETS.right),
    height: Math.max(0, height - PLOT_INSETS.top - PLOT_INSETS.bottom),
  };
}

export function HeatmapCanvas(props: HeatmapCanvasProps) {
  const {
    grid,
    width,
    height,
    fromMs,
    toMs,
    palette,
    colorScale: scaleMode,
    timeZone,
    selection,
    onSelect,
    onHover,
  } = props;
  const contextTheme = useTheme2();
  const theme = props.theme ?? contextTheme;
  const styles = useStyles2(getStyles);
  const plot = plotSize(width, height);
  const layout = useMemo<Layout>(
    () => ({ x0: 0, y0: 0, width: plot.width, height: plot.height, fromMs, toMs }),
    [plot.width, plot.height, fromMs, toMs]
  );
  const cap = useMemo(() => colorCap(grid, scaleMode), [grid, scaleMode]);
  const scale = useMemo(() => colorScale(palette, cap.value, theme), [palette, cap.value, theme]);
  const gradient = useMemo(
    () => legendGradient(legendStops(palette, cap.value, theme), cap.value),
    [palette, cap.value, theme]
  );
  const xTicks = useMemo(() => timeTicks(fromMs, toMs, plot.width, timeZone), [fromMs, toMs, plot.width, timeZone]);
  const yTicks = useMemo(() => offsetTicks(plot.height), [plot.height]);
  // Zoomed in, a column is hundreds of px wide: say that its width is one second and its height the time within it.
  const columnPx = toMs > fromMs ? (plot.width * grid.columnMs) / (toMs - fromMs) : 0;
  const wideColumns = columnPx >= WIDE_COLUMN_PX;

  // The committed selection: ours once made here, replaced whenever the `selection` prop changes range.
  const [committed, setCommitted] = useState<Selection | undefined>(selection);
  const [lastProp, setLastProp] = useState<Selection | undefined>(selection);
  if (!sameRange(selection, lastProp)) {
    setLastProp(selection);
    setCommitted(selection);
  }
  const [pending, setPending] = useState<Cell | undefined>(undefined);

  const [driver] = useState(() => new HeatmapDriver());
  const cellsRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (cellsRef.current && overlayRef.current && tooltipRef.current) {
      driver.attach(cellsRef.current, overlayRef.current, tooltipRef.current);
    }
    return () => driver.detach();
  }, [driver]);

  useLayoutEffect(() => {
    driver.update(
      { grid, layout, scale, theme, timeZone, committed },
      {
        onSelect: (s) => {
          setCommitted(s);
          onSelect(s);
        },
        onHover,
        onPending: setPending,
      }
    );
  }, [driver, grid, layout, scale, theme, timeZone, committed, onSelect, onHover]);

  const canvasStyle = { width: plot.width, height: plot.height };
  return (
    <div className={styles.root} style={{ width, height }} data-testid="flamescope-heatmap">
      <div className={styles.header} style={{ height: PLOT_INSETS.top, paddingLeft: PLOT_INSETS.left }}>
        {committed && (
          <>
            <span className={styles.selection} data-testid="flamescope-selection">
              {formatSelection(committed, timeZone)}
            </span>
            <IconButton name="times" size="sm" tooltip="Clear selection (Esc)" onClick={() => driver.clear()} />
          </>
        )}
        <span className={styles.hint}>
          {pending
            ? `Start ${formatClock(selectionFromCells(grid, pending, pending).fromMs, timeZone)}: click the end (Esc cancels)`
            : [committed ? '' : 'Drag, or click a start and an end, to select', wideColumns ? WIDE_COLUMN_NOTE : '']
                .filter(Boolean)
                .join(' · ')}
        </span>
      </div>

      <div className={styles.plotRow} style={{ height: plot.height }}>
        <div className={styles.yAxis} style={{ width: PLOT_INSETS.left }} aria-hidden>
          {yTicks.map((t) => (
            <span key={t.value} className={styles.yTick} style={{ top: t.position }}>
              {t.label}
            </span>
          ))}
          <span className={styles.yUnit}>ms</span>
        </div>
        <div className={styles.plot} style={{ left: PLOT_INSETS.left, ...canvasStyle }}>
          <canvas ref={cellsRef} className={styles.canvas} style={canvasStyle} data-testid="flamescope-heatmap-cells" />
          <canvas
            ref={overlayRef}
            className={styles.overlay}
            style={canvasStyle}
            tabIndex={0}
            role="application"
            aria-roledescription="subsecond-offset heat map"
            aria-label="Heat map: arrow keys move, Enter sets the start then the end, Escape clears"
            data-testid="flamescope-heatmap-overlay"
          />
          <div ref={tooltipRef} className={styles.tooltip} aria-live="polite" />
        </div>
      </div>

      <div
        className={styles.xAxis}
        style={{ marginLeft: PLOT_INSETS.left, width: plot.width }}
        aria-hidden
        data-testid="flamescope-heatmap-xaxis"
      >
        {xTicks.map((t) => (
          <span
            key={t.value}
            className={styles.xTick}
            style={{ left: t.position, transform: edgeAlign(t.position, plot.width) }}
          >
            {t.label}
          </span>
        ))}
      </div>

      <div className={styles.legend} style={{ paddingLeft: PLOT_INSETS.left }}>
        <span>0</span>
        <span className={styles.legendBar} style={{ background: gradient }} />
        <span data-testid="flamescope-heatmap-legend-top">
          {formatCount(cap.value)}
          {cap.capped ? '+' : ''} samples
        </span>
        {cap.capped && (
          <span className={styles.legendNote}>
            {cap.above === 1 ? 'one cell is' : `${cap.above} cells are`} above the scale (drawn in its top colour): the
            busiest has {formatCount(grid.max)}
          </span>
        )}
      </div>
    </div>
  );
}

/** Centre a tick label on its tick, except near the ends where it would stick out of the panel. */
function edgeAlign(x: number, width: number): string {
  const halfLabel = 30;
  return x < halfLabel ? 'none' : x > width - halfLabel ? 'translateX(-100%)' : 'translateX(-50%)';
}

function sameRange(a: Selection | undefined, b: Selection | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.fromMs === b.fromMs && a.toMs === b.toMs);
}

const getStyles = (theme: GrafanaTheme2) => {
  const small = theme.typography.bodySmall.fontSize;
  return {
    root: css({
      position: 'relative',
      display: 'flex',
      flexDirection: 'column',
      fontSize: small,
      color: theme.colors.text.secondary,
      userSelect: 'none',
    }),
    header: css({
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
      whiteSpace: 'nowrap',
      overflow: 'hidden',
    }),
    selection: css({
      color: theme.colors.text.primary,
      fontVariantNumeric: 'tabular-nums',
    }),
    hint: css({
      color: theme.colors.text.disabled,
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    }),
    plotRow: css({ position: 'relative', flex: 'none' }),
    yAxis: css({ position: 'absolute', left: 0, top: 0, bottom: 0 }),
    yTick: css({
      position: 'absolute',
      right: theme.spacing(0.75),
      transform: 'translateY(-50%)',
      lineHeight: 1,
      fontVariantNumeric: 'tabular-nums',
    }),
    yUnit: css({
      position: 'absolute',
      right: theme.spacing(0.75),
      bottom: -theme.spacing.gridSize * 2.5,
      lineHeight: 1,
    }),
    plot: css({ position: 'absolute', top: 0 }),
    canvas: css({ position: 'absolute', left: 0, top: 0 }),
    overlay: css({
      position: 'absolute',
      left: 0,
      top: 0,
      cursor: 'crosshair',
      outline: 'none',
      '&:focus-visible': { boxShadow: `0 0 0 2px ${theme.colors.primary.border}` },
    }),
    tooltip: css({
      display: 'none',
      position: 'absolute',
      left: 0,
      top: 0,
      pointerEvents: 'none',
      zIndex: theme.zIndex.tooltip,
      padding: theme.spacing(0.5, 1),
      borderRadius: theme.shape.radius.default,
      background: theme.components.tooltip.background,
      color: theme.components.tooltip.text,
      boxShadow: theme.shadows.z2,
      whiteSpace: 'nowrap',
      fontVariantNumeric: 'tabular-nums',
    }),
    xAxis: css({ position: 'relative', height: 20, flex: 'none', borderTop: `1px solid ${theme.colors.border.weak}` }),
    xTick: css({
      position: 'absolute',
      top: 3,
      whiteSpace: 'nowrap',
      fontVariantNumeric: 'tabular-nums',
    }),
    legend: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), height: 24, flex: 'none' }),
    legendNote: css({
      color: theme.colors.text.disabled,
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    }),
    legendBar: css({
      width: 160,
      height: 10,
      borderRadius: theme.shape.radius.default,
      border: `1px solid ${theme.colors.border.weak}`,
    }),
  };
};
