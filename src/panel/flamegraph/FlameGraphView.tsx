/**
 * The flame graph: our own canvas renderer (render.ts) over a flat layout (layout.ts), with a toolbar (search,
 * flame/icicle, reset zoom), a status line (legend, pruning notice, where a tall graph is scrolled to) and a tooltip
 * next to the pointer.
 *
 * React owns the state that changes rarely (tree, zoom, orientation, search, size, theme) and hands a scene to
 * FlameCanvas, which paints at most once per animation frame. What changes on every mouse move — hover outline,
 * tooltip — bypasses React: a binary search, an overlay repaint and a few style writes.
 *
 * Scrolling: the canvases are the viewport's size and sticky at the top of a scroll area as tall as the graph, so a
 * deep graph scrolls natively (scroll bar, wheel, touch) and only the rows in view are drawn. A flame keeps its root
 * anchored at the bottom (it opens scrolled to the root and stays there across resizes); an icicle opens at the top.
 */
import { css } from '@emotion/css';
import { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { Button, Icon, IconButton, Input, RadioButtonGroup, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import React, {
  forwardRef,
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { FlameNode } from '../model';
import { isIdleFrame, LEGEND_DIFF, LEGEND_KINDS } from './colors';
import { frameDetails, matchesText, totalsOf } from './labels';
import {
  buildLayout,
  findPath,
  FlameLayout,
  hitTest,
  inZoom,
  isAncestorOrSelf,
  levelAt,
  levelNeighbour,
  levelsIn,
  levelTop,
  parentOf,
  pathOf,
  rowsFor,
  searchLayout,
  widestChild,
  zoomDepth,
} from './layout';
import { FlameCanvas, frameRect, makeFills, Palette, ROW_HEIGHT } from './render';
import { FLAMEGRAPH_TEST_ID, flameGraphSvg } from './svg-export';
import { SCREEN_READER_ONLY } from './a11y-styles';
import { usePropOverride } from '../usePropOverride';

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
  /** Nodes the data source merged away to stay under maxNodes (the frame's meta.custom.droppedNodes). */
  droppedNodes?: number;
  /**
   * Load every frame below the zoomed one (names from the thread down; [] for the whole graph): offered as "show
   * all" on the merged-frames notice.
   */
  onShowAll?(path: string[]): void;
  /** The frame shown in full (the last "show all") and how many nodes below it were still merged. */
  detail?: { path: string[]; droppedNodes: number };
  /** A "show all" is loading: the graph shown stays until it arrives. */
  loadingDetail?: boolean;
  /** What a differential graph is compared with, for the legend (e.g. "the whole time range"). */
  baselineName?: string;
  /** Highlight every frame of this function (exact name), e.g. the top-functions table's selected row. */
  highlight?: string;
  /** Right-click on a frame (e.g. to open its sandwich view); the browser's menu is suppressed when given. */
  onFrameContextMenu?(node: FlameNode, event: { clientX: number; clientY: number }): void;
}

/** What the panel can ask of the view. */
export interface FlameGraphHandle {
  /** The graph as shown (zoom, orientation, search highlight) as a standalone FlameGraph-style SVG document. */
  exportSvg(meta: { title: string; subtitle?: string }): string;
}

const TOOLBAR_HEIGHT = 40;
const STATUS_HEIGHT = 24;
/** The search runs (and repaints) this long after the last keystroke. */
export const SEARCH_DEBOUNCE_MS = 150;

const ORIENTATIONS: Array<SelectableValue<boolean>> = [
  { label: 'Flame', value: false, description: 'Root at the bottom' },
  { label: 'Icicle', value: true, description: 'Root at the top' },
];

interface Zoom {
  layout: FlameLayout;
  focus: number;
  /** The focused frame's names from the root: a new tree (a refetch of the same slice) keeps the zoom if it has it. */
  path: string[];
}

export const FlameGraphView = forwardRef<FlameGraphHandle, FlameGraphViewProps>(function FlameGraphView(
  {
    root,
    width,
    height,
    search,
    inverted = false,
    onSearchChange,
    diff = false,
    droppedNodes = 0,
    onShowAll,
    detail,
    loadingDetail = false,
    baselineName,
    highlight,
    onFrameContextMenu,
  },
  ref
) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);

  const layout = useMemo(() => buildLayout(root), [root]);
  const totals = useMemo(() => totalsOf(root, diff), [root, diff]);
  const fills = useMemo(() => makeFills(layout, totals), [layout, totals]);
  const kinds = useMemo(() => kindsIn(layout), [layout]);

  // Local choices (typed search, flipped orientation) last until the matching prop changes.
  const [term, setTyped] = usePropOverride(search ?? '');
  const [isInverted, setFlipped] = usePropOverride(inverted);

  // The search runs once typing pauses; clearing it is immediate.
  const [settled, setSettled] = useState(term);
  useEffect(() => {
    if (settled === term) {
      return;
    }
    const t = setTimeout(() => setSettled(term), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [term, settled]);
  const searched = term === '' ? '' : settled;
  const found = useMemo(() => searchLayout(layout, searched), [layout, searched]);
  // What is painted magenta: the search's matches and the highlighted function's frames.
  const mask = useMemo(
    () => paintMask(layout, found.count > 0 ? found.mask : null, highlight),
    [layout, found, highlight]
  );

  const [zoom, setZoom] = useState<Zoom | null>(null);
  const focus = useMemo(() => {
    if (!zoom) {
      return 0;
    }
    if (zoom.layout === layout) {
      return zoom.focus;
    }
    return Math.max(0, findPath(layout, zoom.path));
  }, [zoom, layout]);

  // The keyboard's frame (in this layout and inside the zoom), -1 when none.
  const [cursorState, setCursorState] = useState<{ layout: FlameLayout; index: number } | null>(null);
  const cursor =
    cursorState && cursorState.layout === layout && inZoom(layout, focus, cursorState.index) ? cursorState.index : -1;
  const [announcement, setAnnouncement] = useState('');
  const announcementId = useId();

  // The scroll area's inner size (its scroll-bar gutter is reserved); jsdom measures 0, so fall back to the props.
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState(() => ({
    w: Math.max(1, Math.floor(width)),
    h: Math.max(1, height - TOOLBAR_HEIGHT - STATUS_HEIGHT),
  }));
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) {
      return;
    }
    const measure = () => {
      const w = Math.max(1, Math.floor(el.clientWidth || width));
      const h = Math.max(1, Math.floor(el.clientHeight || height - TOOLBAR_HEIGHT - STATUS_HEIGHT));
      setViewport((v) => (v.w === w && v.h === h ? v : { w, h }));
    };
    measure();
    // The area can also change size without new props (the toolbar wrapping, a scroll bar appearing).
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [width, height]);

  const depth = zoomDepth(layout, focus);
  // Below a frame shown in full, what is merged is what its own budget left out.
  const inDetail = detail && startsWith(pathOf(layout, focus), detail.path);
  const merged = inDetail ? detail.droppedNodes : droppedNodes;
  const rows = useMemo(() => rowsFor(depth, ROW_HEIGHT, isInverted, viewport.h), [depth, isInverted, viewport.h]);
  const palette = useMemo<Palette>(
    () => ({
      background: theme.colors.background.primary,
      hover: theme.colors.text.primary,
      cursor: theme.colors.primary.main,
      fontFamily: theme.typography.fontFamily,
    }),
    [theme]
  );

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const painter = useRef<FlameCanvas | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const tipState = useRef({ index: -1, w: 0, h: 0 });
  // A flame's distance from the bottom of its scroll range (0: the root in view), kept across re-layouts.
  const fromBottom = useRef(0);
  const lastInverted = useRef(isInverted);
  // The keyboard outline shows once a key was pressed in the graph, not after a click.
  const keyboardMode = useRef(false);
  const [hasFocus, setHasFocus] = useState(false);
  const [visibleLevels, setVisibleLevels] = useState<[number, number]>([0, 0]);

  useLayoutEffect(() => {
    painter.current = new FlameCanvas(canvasRef.current!, overlayRef.current!);
    return () => {
      painter.current?.destroy();
      painter.current = null;
    };
  }, []);

  // Hand the scene to the painter (after the scroll area has its new height, so the scroll position can be set).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const fc = painter.current;
    if (!el || !fc) {
      return;
    }
    if (lastInverted.current !== isInverted) {
      lastInverted.current = isInverted;
      fromBottom.current = 0;
      if (isInverted) {
        el.scrollTop = 0;
      }
    }
    if (!isInverted) {
      el.scrollTop = Math.max(0, rows.contentHeight - viewport.h - fromBottom.current);
    }
    const scrollTop = el.scrollTop || 0;
    fc.setScene({
      layout,
      focus,
      rows,
      width: viewport.w,
      height: viewport.h,
      scrollTop,
      dpr: devicePixelRatio(),
      fill: fills,
      mask,
      palette,
    });
    setVisibleLevels((v) => sameLevels(v, levelsIn(rows, scrollTop, scrollTop + viewport.h)));
  }, [layout, focus, rows, viewport.w, viewport.h, fills, mask, palette, isInverted]);

  useEffect(() => {
    painter.current?.setCursor(hasFocus && keyboardMode.current ? cursor : -1);
  }, [cursor, hasFocus]);

  // Browser zoom and moving to another screen change devicePixelRatio: repaint at the new one.
  useEffect(() => {
    const onResize = () => {
      const fc = painter.current;
      const scene = fc?.current();
      if (fc && scene && scene.dpr !== devicePixelRatio()) {
        fc.setScene({ ...scene, dpr: devicePixelRatio() });
      }
    };
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      exportSvg: ({ title, subtitle }) => {
        const notes = [subtitle];
        if (focus !== 0) {
          notes.push(`zoomed into ${layout.nodes[focus].name}`);
        }
        if (searched !== '') {
          notes.push(`search "${searched}": ${matchesText(found.count, found.percent)}`);
        }
        return flameGraphSvg({
          layout,
          focus,
          inverted: isInverted,
          width: viewport.w,
          fill: fills,
          mask,
          totals,
          title,
          subtitle: notes.filter((n) => n).join(' · '),
          theme,
        });
      },
    }),
    [layout, focus, isInverted, viewport.w, fills, mask, found, totals, searched, theme]
  );

  const changeTerm = (value: string) => {
    setTyped(value);
    onSearchChange?.(value);
  };

  const zoomTo = (i: number) => {
    setZoom(i <= 0 ? null : { layout, focus: i, path: pathOf(layout, i) });
    // A flame opens a new zoom with its root in view; an icicle at its top.
    fromBottom.current = 0;
    if (isInverted && scrollRef.current) {
      scrollRef.current.scrollTop = 0;
    }
  };

  /** Tooltip with frame i's details at (x, y) in the container's coordinates, kept inside it; -1 hides it. */
  const showTip = (i: number, x: number, y: number) => {
    const tip = tipRef.current;
    const box = containerRef.current;
    if (!tip || !box) {
      return;
    }
    const state = tipState.current;
    if (i < 0) {
      if (state.index >= 0) {
        tip.style.visibility = 'hidden';
        state.index = -1;
      }
      return;
    }
    if (state.index !== i) {
      const lines = frameDetails(layout.nodes[i], totals);
      tip.replaceChildren(
        ...lines.map((line, k) => {
          const div = document.createElement('div');
          div.textContent = line;
          if (k === 0) {
            div.className = styles.tipName;
          }
          return div;
        })
      );
      tip.style.visibility = 'visible';
      state.index = i;
      state.w = tip.offsetWidth;
      state.h = tip.offsetHeight;
    }
    const bw = box.clientWidth || width;
    const bh = box.clientHeight || height;
    let left = x + 14;
    if (left + state.w > bw - 4) {
      left = x - 14 - state.w;
    }
    let top = y + 18;
    if (top + state.h > bh - 4) {
      top = y - 10 - state.h;
    }
    left = Math.max(4, Math.min(left, bw - 4 - state.w));
    top = Math.max(4, Math.min(top, bh - 4 - state.h));
    tip.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  };

  /** The frame under a pointer event, and the pointer in the container's coordinates. */
  const pointed = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const scene = painter.current?.current();
    const canvas = canvasRef.current;
    if (!scene || !canvas) {
      return { i: -1, x: 0, y: 0 };
    }
    const r = canvas.getBoundingClientRect();
    const c = containerRef.current?.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const level = levelAt(scene.rows, y + scene.scrollTop);
    const i = hitTest(scene.layout, scene.focus, level, x, scene.width);
    return { i, x: e.clientX - (c?.left ?? 0), y: e.clientY - (c?.top ?? 0) };
  };

  const onMouseMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const { i, x, y } = pointed(e);
    painter.current?.setHover(i);
    showTip(i, x, y);
  };

  const onMouseLeave = () => {
    painter.current?.setHover(-1);
    showTip(-1, 0, 0);
  };

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const { i } = pointed(e);
    // What is under the pointer changes with the zoom: the next move shows it.
    painter.current?.setHover(-1);
    showTip(-1, 0, 0);
    if (i >= 0) {
      setCursorState({ layout, index: i });
      if (i !== focus) {
        zoomTo(i);
      }
    }
  };

  /** Moves the keyboard's frame: scrolls its row into view, shows its tooltip and announces it. */
  const moveCursor = (i: number) => {
    if (i < 0) {
      return;
    }
    setCursorState({ layout, index: i });
    const el = scrollRef.current;
    const top = levelTop(rows, layout.level[i]);
    if (el) {
      if (top < el.scrollTop) {
        el.scrollTop = top;
      } else if (top + ROW_HEIGHT > el.scrollTop + viewport.h) {
        el.scrollTop = top + ROW_HEIGHT - viewport.h;
      }
    }
    setAnnouncement(frameDetails(layout.nodes[i], totals).join(', '));
    const scene = painter.current?.current();
    const rect = scene ? frameRect({ ...scene, scrollTop: el?.scrollTop ?? scene.scrollTop }, i) : null;
    const canvas = canvasRef.current?.getBoundingClientRect();
    const box = containerRef.current?.getBoundingClientRect();
    if (rect && canvas && box) {
      const x = canvas.left - box.left + rect.x + Math.min(rect.w / 2, 40);
      const y = canvas.top - box.top + rect.y + rect.h / 2;
      showTip(i, x, y);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    keyboardMode.current = true;
    const at = cursor >= 0 ? cursor : focus;
    // Up and Down follow the picture: in a flame the children are above, in an icicle below.
    const towardsLeaves = () => {
      if (at !== focus && isAncestorOrSelf(layout, at, focus)) {
        // On the breadcrumb bar: down the path to the zoomed frame.
        let a = focus;
        while (layout.parent[a] !== at) {
          a = layout.parent[a];
        }
        return a;
      }
      return widestChild(layout, at);
    };
    let next = -2;
    switch (e.key) {
      case 'ArrowUp':
        next = cursor < 0 ? focus : isInverted ? parentOf(layout, at) : towardsLeaves();
        break;
      case 'ArrowDown':
        next = cursor < 0 ? focus : isInverted ? towardsLeaves() : parentOf(layout, at);
        break;
      case 'ArrowLeft':
        next = cursor < 0 ? focus : levelNeighbour(layout, focus, at, -1);
        break;
      case 'ArrowRight':
        next = cursor < 0 ? focus : levelNeighbour(layout, focus, at, 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'Enter':
      case ' ':
        if (cursor >= 0 && cursor !== focus) {
          zoomTo(cursor);
          setAnnouncement(`Zoomed into ${layout.nodes[cursor].name}`);
        }
        e.preventDefault();
        return;
      case 'Escape':
        if (focus !== 0) {
          zoomTo(0);
          setAnnouncement('Zoom reset: the whole graph');
        }
        showTip(-1, 0, 0);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next >= 0) {
      moveCursor(next);
    }
  };

  const empty = layout.count === 0 || !(layout.total > 0);
  const scrolls = rows.rows * ROW_HEIGHT > viewport.h;

  return (
    <div ref={containerRef} className={styles.container} style={{ width, height }}>
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
        {searched !== '' && (
          <span
            className={styles.secondary}
            data-testid="flamescope-flamegraph-matches"
            data-search={searched}
            aria-live="polite"
          >
            {matchesText(found.count, found.percent)}
          </span>
        )}
        <RadioButtonGroup size="sm" options={ORIENTATIONS} value={isInverted} onChange={setFlipped} />
        <Button
          size="sm"
          variant="secondary"
          icon="search-minus"
          disabled={focus === 0}
          onClick={() => zoomTo(0)}
          tooltip="Show the whole graph again (click a frame to zoom into it; Esc in the graph)"
        >
          Reset zoom
        </Button>
      </div>
      <div
        ref={scrollRef}
        className={styles.scroll}
        data-testid={FLAMEGRAPH_TEST_ID}
        onScroll={(e) => {
          const el = e.currentTarget;
          fromBottom.current = Math.max(0, el.scrollHeight - el.clientHeight - el.scrollTop);
          painter.current?.setScrollTop(el.scrollTop);
          // The frame under a still pointer changed: the next move says which.
          painter.current?.setHover(-1);
          showTip(-1, 0, 0);
          setVisibleLevels((v) => sameLevels(v, levelsIn(rows, el.scrollTop, el.scrollTop + viewport.h)));
        }}
      >
        <div className={styles.content} style={{ height: rows.contentHeight }}>
          <div className={styles.sticky} style={{ height: viewport.h }}>
            <canvas
              ref={canvasRef}
              className={styles.canvas}
              tabIndex={0}
              role="application"
              aria-roledescription="flame graph"
              aria-label={
                `Flame graph, ${layout.count} frames${focus !== 0 ? `, zoomed into ${layout.nodes[focus].name}` : ''}. ` +
                'Arrow keys move between frames (up and down as drawn, left and right along the row), Enter zooms ' +
                'into the frame, Escape resets the zoom.'
              }
              aria-describedby={announcementId}
              onMouseMove={onMouseMove}
              onMouseLeave={onMouseLeave}
              onMouseDown={() => (keyboardMode.current = false)}
              onClick={onClick}
              onContextMenu={(e) => {
                if (!onFrameContextMenu) {
                  return;
                }
                const { i } = pointed(e);
                if (i >= 0) {
                  e.preventDefault();
                  showTip(-1, 0, 0);
                  onFrameContextMenu(layout.nodes[i], { clientX: e.clientX, clientY: e.clientY });
                }
              }}
              onKeyDown={onKeyDown}
              onFocus={() => setHasFocus(true)}
              onBlur={() => {
                setHasFocus(false);
                showTip(-1, 0, 0);
              }}
            />
            <canvas ref={overlayRef} className={styles.overlay} aria-hidden />
            {empty && <div className={styles.empty}>No samples in this slice</div>}
          </div>
        </div>
      </div>
      <div className={styles.status}>
        <Legend diff={totals.diff} kinds={kinds} baselineName={baselineName} />
        <span className={styles.spacer} />
        <PruningNotice
          merged={merged}
          inDetail={!!inDetail}
          loading={loadingDetail}
          zoomedName={focus !== 0 ? layout.nodes[focus].name : undefined}
          onShowAll={onShowAll && (() => onShowAll(pathOf(layout, focus)))}
        />
        {scrolls && (
          <span className={styles.secondary} data-testid="flamescope-flamegraph-levels">
            levels {visibleLevels[0] + 1}–{visibleLevels[1] + 1} of {rows.rows}
            {isInverted
              ? visibleLevels[1] + 1 < rows.rows
                ? ' · scroll down for the leaves'
                : ''
              : visibleLevels[1] + 1 < rows.rows
                ? ' · scroll up for the leaves'
                : ''}
          </span>
        )}
      </div>
      <div ref={tipRef} className={styles.tooltip} role="tooltip" data-testid="flamescope-flamegraph-tooltip" />
      <div id={announcementId} className={styles.srOnly} aria-live="polite">
        {announcement}
      </div>
    </div>
  );
});

/** The search mask, with the frames named `highlight` added (a new mask; null when nothing is highlighted). */
function paintMask(
  layout: FlameLayout,
  searchMask: Uint8Array | null,
  highlight: string | undefined
): Uint8Array | null {
  if (!highlight) {
    return searchMask;
  }
  const mask = searchMask ? Uint8Array.from(searchMask) : new Uint8Array(layout.count);
  let any = searchMask !== null;
  for (let i = 0; i < layout.count; i++) {
    if (layout.nodes[i].name === highlight) {
      mask[i] = 1;
      any = true;
    }
  }
  return any ? mask : null;
}

/** The previous range when unchanged (no re-render), else the new one. */
function sameLevels(prev: [number, number], next: [number, number]): [number, number] {
  return prev[0] === next[0] && prev[1] === next[1] ? prev : next;
}

function devicePixelRatio(): number {
  const r = typeof window !== 'undefined' ? window.devicePixelRatio : 1;
  return r > 0 && Number.isFinite(r) ? r : 1;
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((name, i) => path[i] === name);
}

/** "N small frames merged — Show all", "Loading every frame…", or nothing when nothing was merged. */
function PruningNotice({
  merged,
  inDetail,
  loading,
  zoomedName,
  onShowAll,
}: {
  merged: number;
  inDetail: boolean;
  loading: boolean;
  zoomedName?: string;
  onShowAll?: () => void;
}) {
  const styles = useStyles2(getStyles);
  const where = zoomedName ? ` below ${zoomedName}` : '';
  if (loading) {
    return (
      <span className={styles.notice} data-testid="flamescope-flamegraph-pruned">
        <Icon name="fa fa-spinner" size="sm" /> Loading every frame{where}…
      </span>
    );
  }
  if (merged <= 0) {
    return inDetail ? (
      <span className={styles.notice} data-testid="flamescope-flamegraph-complete">
        Every frame{where} shown
      </span>
    ) : null;
  }
  return (
    <span className={styles.notice} data-testid="flamescope-flamegraph-pruned">
      <Tooltip
        content={`To stay quick, the smallest frames were merged into their parents (the panel's maxNodes option). Show all loads every frame${where || ' of the slice'}.`}
      >
        <span>
          <Icon name="info-circle" size="sm" /> {merged.toLocaleString()} small frames merged
        </span>
      </Tooltip>
      {onShowAll && (
        <Button
          size="sm"
          fill="text"
          variant="primary"
          onClick={onShowAll}
          data-testid="flamescope-flamegraph-show-all"
        >
          Show all{where}
        </Button>
      )}
    </span>
  );
}

/** Which legend entries the graph needs: the kinds present (and idle frames). */
function kindsIn(layout: FlameLayout): Set<string> {
  const seen = new Set<string>();
  for (const node of layout.nodes) {
    switch (node.kind) {
      case 'kernel':
        seen.add(isIdleFrame(node.name, node.kind) ? 'idle' : 'kernel');
        break;
      case 'jit':
        seen.add('JIT');
        break;
      case 'inlined':
        seen.add('inlined');
        break;
      case 'user':
        seen.add('user');
        break;
      case 'runtime':
      case 'library':
      case 'program':
        seen.add(node.kind);
        break;
      case 'gc':
        seen.add('GC');
        break;
      default:
        seen.add('thread / all');
    }
  }
  return seen;
}

function Legend({ diff, kinds, baselineName }: { diff: boolean; kinds: Set<string>; baselineName?: string }) {
  const styles = useStyles2(getStyles);
  if (diff) {
    const baseline = baselineName ?? 'the baseline';
    return (
      <span className={styles.legend} data-testid="flamescope-flamegraph-legend">
        <Swatch color={LEGEND_DIFF.more} label="more in the selection" />
        <Swatch color={LEGEND_DIFF.same} label="same share" />
        <Swatch color={LEGEND_DIFF.less} label={`more in ${baseline} (baseline)`} />
        <span className={styles.secondary}>· widths: selection + baseline</span>
      </span>
    );
  }
  return (
    <span className={styles.legend} data-testid="flamescope-flamegraph-legend">
      {LEGEND_KINDS.filter((k) => kinds.has(k.label)).map((k) => (
        <Swatch key={k.label} color={k.color} label={k.label} title={k.description} />
      ))}
    </span>
  );
}

function Swatch({ color, label, title }: { color: string; label: string; title?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <span className={styles.legendItem} title={title}>
      <span className={styles.swatch} style={{ background: color }} />
      {label}
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    position: 'relative',
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
  secondary: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  scroll: css({
    flex: '1 1 auto',
    minHeight: 0,
    overflowX: 'hidden',
    overflowY: 'auto',
    // Reserve the scroll bar's width up front, so the measured width holds when a tall graph starts scrolling.
    scrollbarGutter: 'stable',
    overscrollBehavior: 'contain',
  }),
  content: css({
    position: 'relative',
  }),
  sticky: css({
    position: 'sticky',
    top: 0,
    overflow: 'hidden',
  }),
  canvas: css({
    display: 'block',
    cursor: 'pointer',
    outline: 'none',
    '&:focus-visible': {
      boxShadow: `inset 0 0 0 2px ${theme.colors.primary.border}`,
    },
  }),
  overlay: css({
    position: 'absolute',
    left: 0,
    top: 0,
    pointerEvents: 'none',
  }),
  empty: css({
    position: 'absolute',
    inset: 0,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.colors.text.secondary,
    pointerEvents: 'none',
  }),
  status: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: STATUS_HEIGHT,
    flex: '0 0 auto',
    padding: theme.spacing(0, 0.5),
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  }),
  spacer: css({ flex: '1 1 0' }),
  legend: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    minWidth: 0,
    overflow: 'hidden',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  legendItem: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: 2,
    border: `1px solid ${theme.colors.border.medium}`,
  }),
  notice: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  }),
  tooltip: css({
    position: 'absolute',
    left: 0,
    top: 0,
    zIndex: theme.zIndex.tooltip,
    visibility: 'hidden',
    pointerEvents: 'none',
    maxWidth: 480,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.elevated,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z3,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  }),
  tipName: css({
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.primary,
  }),
  srOnly: css(SCREEN_READER_ONLY),
});
