/**
 * The FlameScope panel: the subsecond-offset heat map on the dashboard's time axis; brushing a range opens the flame
 * graph of exactly that slice below it (resizable split), with actions to zoom the dashboard to it, compare it, and
 * download or share it.
 */
import { css } from '@emotion/css';
import { DataHoverClearEvent, DataHoverEvent, GrafanaTheme2, PanelProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { Alert, Button, ClipboardButton, Icon, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import React, { useCallback, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { FlameGraphArea } from './flamegraph/FlameGraphArea';
import { FlameGraphHandle } from './flamegraph/FlameGraphView';
import { downloadText, profileName, rangeText, svgFileName } from './flamegraph/svg-export';
import { toFolded, treeFromFrame } from './flamegraph/tree';
import { gridFromFrame } from './heatmap/grid';
import { selectionFromRange } from './heatmap/selection';
import { HeatmapCanvas } from './heatmap/HeatmapCanvas';
import { Selection } from './model';
import { FlameScopeOptions } from './options';
import {
  formatSelectionParam,
  parseSelectionParam,
  selectionParam,
  selectionTag,
  urlSelectionValue,
} from './selection-url';
import { baseQuery, Compare, fetchFoldedSlice, useFlameGraph } from './useFlameGraph';
import { isWaitingForParse, useParseProgress } from './useParseProgress';
import { parsingOf } from '../datasource/parsing-frame';
import { usePropOverride } from './usePropOverride';
import { hostWords } from './host-words';
import { wholeSecondsSpan } from './time-span';

type Props = PanelProps<FlameScopeOptions>;

const COMPARE_OPTIONS: Array<{ label: string; value: Compare; description: string }> = [
  { label: 'Slice', value: 'none', description: 'The flame graph of the selected slice' },
  { label: 'vs range', value: 'range', description: 'Differential: the slice against the whole time range' },
  { label: 'vs previous', value: 'previous', description: 'Differential: the slice against the previous selection' },
];

export function FlameScopePanel(props: Props) {
  const { data, width, height, options, timeRange, timeZone, id, onChangeTimeRange, eventBus } = props;
  const styles = useStyles2(getStyles);
  const heatmapFrame = data.series.find((f) => f.meta?.type === 'heatmap-cells' || f.name === 'heatmap');
  const grid = useMemo(() => (heatmapFrame ? gridFromFrame(heatmapFrame) : undefined), [heatmapFrame]);
  const progress = useParseProgress(data);
  // Still coming (the data source retries a parse by itself); once it gives up, its error is shown instead.
  const waiting = (data.errors ?? []).length === 0 && isWaitingForParse(data);
  const profileSpan = useMemo(() => spanOf(heatmapFrame?.meta?.custom?.profiles), [heatmapFrame]);
  // A file opened in the viewer's browser: no link can reopen it.
  const localFile = heatmapFrame?.meta?.custom?.localFile as string | undefined;
  const words = hostWords();

  // The panel's own variables (a panel repeated by $host has its host here): its drill-down queries use them, and
  // its selection's URL key names what they stand for, so each copy keeps its own selection.
  const scopedVars = data.request?.scopedVars;
  const base = baseQuery(data);
  const rawQueryText = base ? [base.prefix ?? '', ...(base.profiles ?? [])].join('|') : '';
  const tag = selectionTag(rawQueryText, props.replaceVariables(rawQueryText, scopedVars));
  const urlKey = selectionParam(id, tag);
  const urlValue = urlSelectionValue(useSearchObject(), id, tag);

  // What the user chose, with the URL value it wrote: while the URL still says that, the choice stands (null:
  // cleared); when the URL changes otherwise (a link followed inside the dashboard, back/forward), the URL wins.
  const [chosen, setChosen] = useState<{ selection: Selection | null; url: string | undefined } | undefined>();
  const [previous, setPrevious] = useState<{ fromMs: number; toMs: number } | undefined>();
  const [compare, setCompare] = useState<Compare>('none');
  // Typed search and dragged split last until the panel's options change them (editing the panel applies at once).
  const [search, setSearch] = usePropOverride(options.search ?? '');
  const [split, setSplitValue] = usePropOverride(options.split);
  const setSplit = (next: (s: number) => number) => setSplitValue(next(split));
  const flameView = useRef<FlameGraphHandle>(null);
  // "Show all" for a zoom: the frame to load in full, for the slice it was asked on.
  const [detail, setDetail] = useState<{ fromMs: number; toMs: number; path: string[] } | undefined>();
  const fromUrl = parseSelectionParam(urlValue) ?? (urlValue === undefined ? options.selection : undefined);
  const selection =
    chosen && chosen.url === urlValue
      ? (chosen.selection ?? undefined)
      : fromUrl && grid
        ? selectionFromRange(grid, fromUrl.fromMs, fromUrl.toMs)
        : undefined;

  const select = (next: Selection | undefined) => {
    if (selection && next) {
      setPrevious({ fromMs: selection.fromMs, toMs: selection.toMs });
    }
    const url = formatSelectionParam(next);
    setChosen({ selection: next ?? null, url });
    locationService.partial({ [urlKey]: url }, true);
  };

  const onHover = useCallback(
    (timeMs: number | undefined) => {
      if (timeMs === undefined) {
        eventBus.publish(new DataHoverClearEvent());
      } else {
        eventBus.publish(new DataHoverEvent({ point: { time: timeMs } }));
      }
    },
    [eventBus]
  );

  const focus =
    detail && selection && detail.fromMs === selection.fromMs && detail.toMs === selection.toMs
      ? detail.path
      : undefined;
  const flame = useFlameGraph(
    data,
    scopedVars,
    selection
      ? { fromMs: selection.fromMs, toMs: selection.toMs, compare, previous, maxNodes: options.maxNodes, focus }
      : undefined
  );
  const frameFocus = flame.frame?.meta?.custom?.focus as
    { path: string[]; found: boolean; droppedNodes: number } | undefined;
  const tree = useMemo(() => (flame.frame ? treeFromFrame(flame.frame) : undefined), [flame.frame]);

  const heatHeight = selection ? Math.max(80, Math.round((height - 40) * (1 - split))) : height - 40;
  const flameHeight = Math.max(60, height - 40 - heatHeight - 8);

  if (!grid) {
    return (
      <div className={styles.empty} style={{ width, height }}>
        {progress.length > 0 ? (
          <ParsingProgress progress={progress} />
        ) : waiting ? (
          // Waiting without figures yet (a busy sidecar, the proxy's bare 504 before the catalog answers).
          <span data-testid="flamescope-waiting">
            <Icon name="fa fa-spinner" /> {parsingOf(data.series)?.notice ?? 'Loading the heat map…'}
          </span>
        ) : (
          <span>
            {data.errors?.[0]?.message ?? 'No heat map: choose a FlameScope heat-map query (a profile or a prefix).'}
          </span>
        )}
      </div>
    );
  }

  return (
    <div className={styles.panel} style={{ width, height }}>
      <div className={styles.toolbar}>
        <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
          {selection ? (
            <>
              <Button
                size="sm"
                variant="secondary"
                icon="search-plus"
                onClick={() => onChangeTimeRange({ from: Math.floor(selection.fromMs), to: Math.ceil(selection.toMs) })}
                tooltip={words.zoomTooltip}
              >
                Zoom to selection
              </Button>
              <RadioButtonGroup size="sm" options={COMPARE_OPTIONS} value={compare} onChange={setCompare} />
              {compare === 'previous' && !previous && (
                <span className={styles.hint} data-testid="flamescope-no-previous">
                  No previous slice yet: this is the plain graph until you select another slice
                </span>
              )}
              <Button
                size="sm"
                variant="secondary"
                icon="download-alt"
                disabled={!tree}
                onClick={() => {
                  const profile = profileName(heatmapFrame?.meta?.custom?.profiles);
                  const svg = flameView.current?.exportSvg({
                    title: `Flame graph · ${profile ?? 'FlameScope'} · ${rangeText(selection.fromMs, selection.toMs)}`,
                    subtitle:
                      compare === 'none' || (compare === 'previous' && !previous)
                        ? undefined
                        : `differential: the slice against ${baselineName(compare)}`,
                  });
                  if (svg) {
                    downloadText(svgFileName(profile, selection.fromMs, selection.toMs), 'image/svg+xml', svg);
                  }
                }}
              >
                SVG
              </Button>
              <Button
                size="sm"
                variant="secondary"
                icon="download-alt"
                disabled={!tree}
                onClick={() => {
                  const name = foldedFileName(profileName(heatmapFrame?.meta?.custom?.profiles), selection);
                  // Lossless from the sidecar; the shown (pruned) tree only if the sidecar cannot answer.
                  fetchFoldedSlice(data, scopedVars, selection).then(
                    (bytes) => downloadText(name, 'text/plain', bytes),
                    () => tree && downloadText(name, 'text/plain', toFolded(tree))
                  );
                }}
              >
                Folded
              </Button>
              {localFile ? (
                // A link cannot carry a file opened in this browser: say so rather than copy one that opens another.
                <Button
                  size="sm"
                  variant="secondary"
                  icon="share-alt"
                  disabled
                  tooltip={`A link cannot include ${localFile}: it was opened in this browser only. Put it in the sidecar's storage to share it.`}
                >
                  Link
                </Button>
              ) : (
                <ClipboardButton
                  size="sm"
                  variant="secondary"
                  icon="share-alt"
                  getText={() => window.location.href}
                  tooltip={words.linkTooltip}
                >
                  Link
                </ClipboardButton>
              )}
              <Button
                size="sm"
                variant="secondary"
                icon="times"
                onClick={() => select(undefined)}
                aria-label="Clear selection"
              >
                Clear
              </Button>
            </>
          ) : null}
          {profileSpan && (
            <Button
              size="sm"
              variant="secondary"
              icon="arrows-h"
              fill="text"
              onClick={() => onChangeTimeRange(profileSpan)}
              tooltip={words.fitTooltip}
            >
              Fit to profile
            </Button>
          )}
          {progress.length > 0 && <ParsingProgress progress={progress} />}
        </Stack>
      </div>
      <HeatmapCanvas
        grid={grid}
        width={width}
        height={heatHeight}
        fromMs={timeRange.from.valueOf()}
        toMs={timeRange.to.valueOf()}
        palette={options.palette}
        colorScale={options.colorScale}
        timeZone={timeZone}
        selection={selection}
        onSelect={select}
        onHover={onHover}
      />
      {selection && (
        <>
          <Divider
            onDrag={(dy) => setSplit((s) => Math.min(0.85, Math.max(0.15, s - dy / Math.max(1, height - 40))))}
          />
          <div className={styles.flame} style={{ height: flameHeight }}>
            {flame.error && (
              <Alert title="The flame graph of this slice failed" severity="error">
                {flame.error}
              </Alert>
            )}
            {!flame.error && tree && (
              <FlameGraphArea
                ref={flameView}
                root={tree}
                width={width}
                height={flameHeight}
                search={search}
                onSearchChange={setSearch}
                inverted={options.inverted}
                diff={compare === 'range' || (compare === 'previous' && !!previous)}
                baselineName={baselineName(compare)}
                droppedNodes={Number(flame.frame?.meta?.custom?.droppedNodes) || 0}
                onShowAll={(path) => selection && setDetail({ fromMs: selection.fromMs, toMs: selection.toMs, path })}
                detail={
                  flame.loading
                    ? undefined
                    : frameFocus
                      ? frameFocus.found
                        ? { path: frameFocus.path, droppedNodes: frameFocus.droppedNodes }
                        : undefined
                      : focus
                        ? { path: focus, droppedNodes: Number(flame.frame?.meta?.custom?.droppedNodes) || 0 }
                        : undefined
                }
                loadingDetail={flame.loading}
              />
            )}
            {!flame.error && !tree && flame.loading && <span className={styles.hint}>Loading the flame graph…</span>}
          </div>
        </>
      )}
    </div>
  );
}

/**
 * The URL's query parameters, kept current: Grafana keeps a dashboard's panels mounted while the URL changes (a link
 * inside the dashboard, back and forward), so reading them once at mount would miss those.
 */
function useSearchObject(): Record<string, unknown> {
  // The snapshot is the query as text: unchanged text is the same snapshot, so only real changes re-render.
  const text = useSyncExternalStore(subscribeToHistory, () => JSON.stringify(locationService.getSearchObject()));
  return useMemo(() => JSON.parse(text), [text]);
}

function subscribeToHistory(onChange: () => void): () => void {
  const history = locationService.getHistory?.();
  const stop = history?.listen?.(onChange);
  return () => stop?.();
}

/** `flamescope-<profile>-<from>-<to>.folded`, like the SVG's name. */
export function foldedFileName(profile: string | undefined, slice: { fromMs: number; toMs: number }): string {
  return svgFileName(profile, slice.fromMs, slice.toMs)
    .replace(/^flamegraph-/, 'flamescope-')
    .replace(/\.svg$/, '.folded');
}

/** What a differential flame graph compares the slice with, in words. */
function baselineName(compare: Compare): string {
  return compare === 'previous' ? 'the previous selection' : 'the whole time range';
}

/**
 * The whole seconds covering the profiles a heat-map frame was made from (its meta.custom.profiles): the range a
 * profile opens at in the viewer, so "Fit to profile" goes back to it.
 */
export function spanOf(profiles: unknown): { from: number; to: number } | undefined {
  if (!Array.isArray(profiles) || profiles.length === 0) {
    return undefined;
  }
  const from = Math.min(...profiles.map((p) => Number(p?.from)));
  const to = Math.max(...profiles.map((p) => Number(p?.to)));
  return Number.isFinite(from) && Number.isFinite(to) && to >= from ? wholeSecondsSpan(from, to) : undefined;
}

function ParsingProgress({ progress }: { progress: Array<{ id: string; bytesRead: number; totalBytes: number }> }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.progress} data-testid="flamescope-parse-progress">
      {progress.map((p) => (
        <div key={p.id}>
          Parsing {p.id}: {(p.bytesRead / 1e6).toFixed(0)} of {(p.totalBytes / 1e6).toFixed(0)} MB
          <progress max={p.totalBytes} value={p.bytesRead} aria-label={`Parsing ${p.id}`} />
        </div>
      ))}
    </div>
  );
}

/** The draggable bar between heat map and flame graph. */
function Divider({ onDrag }: { onDrag: (dy: number) => void }) {
  const styles = useStyles2(getStyles);
  const last = useRef<number | undefined>(undefined);
  return (
    <div
      className={styles.divider}
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the heat map and the flame graph"
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          onDrag(e.key === 'ArrowUp' ? -20 : 20);
        }
      }}
      onPointerDown={(e) => {
        last.current = e.clientY;
        (e.target as HTMLElement).setPointerCapture(e.pointerId);
      }}
      onPointerMove={(e) => {
        if (last.current !== undefined) {
          onDrag(e.clientY - last.current);
          last.current = e.clientY;
        }
      }}
      onPointerUp={() => (last.current = undefined)}
    />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  toolbar: css({ minHeight: 32, padding: theme.spacing(0, 0.5, 0.5, 0.5) }),
  hint: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  empty: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.colors.text.secondary,
    textAlign: 'center',
    padding: theme.spacing(2),
  }),
  flame: css({ overflow: 'hidden' }),
  divider: css({
    height: 8,
    cursor: 'row-resize',
    background: theme.colors.border.weak,
    borderRadius: theme.shape.radius.default,
    margin: theme.spacing(0, 0),
    '&:hover, &:focus-visible': { background: theme.colors.border.strong },
  }),
  progress: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    progress: { marginLeft: theme.spacing(1), verticalAlign: 'middle' },
  }),
});
