/**
 * The viewer page: FlameScope without Grafana. A header to choose what to look at — a profile from the sidecar's
 * catalog or a file opened here, a time range, heat-map rows and colours, the theme — and the FlameScope panel (the
 * plugin's own code) filling the rest, fed by the page's query of the chosen profile's data source.
 */
import { css } from '@emotion/css';
import { GrafanaTheme2, TimeRange } from '@grafana/data';
import { getTemplateSrv, locationService } from '@grafana/runtime';
import { defer, lastValueFrom } from 'rxjs';
import { answers, retrying } from '../datasource/retry';
import {
  Button,
  Combobox,
  GlobalStyles,
  Icon,
  IconButton,
  RadioButtonGroup,
  ThemeContext,
  Toggletip,
  TimeRangePicker,
  ToolbarButton,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import React, { ReactNode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FlameScopeDataSource } from '../datasource/datasource';
import { ProfileEntry } from '../datasource/types';
import { HeatmapPalette } from '../panel/model';
import { DEFAULT_OPTIONS } from '../panel/options';
import { selectionParam } from '../panel/selection-url';
import { Dashboard, dashboardOf, dashboardRange } from './dashboard';
import { DropZone, OpeningState } from './DropZone';
import { describeFailure, Failure } from './failure';
import { dropGrafanaFontFaces } from './icons';
import { LocalDataSource, localEntry, localSettings } from './local/local-datasource';
import { openProfileFile } from './local/open-file';
import { FailureMessage, PANEL_ID, PanelArea, Waiting } from './PanelArea';
import { EditableOptions, PanelOptions } from './PanelOptions';
import { LocalSource, ProfilePicker } from './ProfilePicker';
import { RepeatedPanels } from './RepeatedPanels';
import { fitRange, formatSpan, Range, sameRange, shiftRange, zoomOutRange } from './range';
import { HostDataSourceSrv, HostTemplateSrv } from './runtime';
import { knownSpan, resolveSpan, SIDECAR_UID, viewable } from './sidecar';
import { hostTheme, ThemeMode, useThemeMode } from './theme';
import { Source, sourceKey, toTimeRange, useHeatmap } from './useHeatmap';
import { DEFAULT_ROWS, readUrlState, ROWS_OPTIONS, urlParams } from './url-state';

export interface HostServices {
  dataSources: HostDataSourceSrv;
  sidecar: FlameScopeDataSource;
}

export function App({ services }: { services: HostServices }) {
  const [mode, toggleMode] = useThemeMode();
  const theme = useMemo(() => hostTheme(mode), [mode]);
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = mode;
    dropGrafanaFontFaces();
  }, [theme, mode]);
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <Viewer services={services} mode={mode} onToggleTheme={toggleMode} />
    </ThemeContext.Provider>
  );
}

interface View {
  source: Source;
  /** Undefined while the profile's span is being found (the sidecar parses it). */
  range?: Range;
  /** A dashboard's repeated panel instead of one profile (`?prefix=…&repeat=…`). */
  dashboard?: Dashboard;
}

const PALETTE_OPTIONS: Array<{ label: string; value: HeatmapPalette; description: string }> = [
  { label: 'FlameScope', value: 'flamescope', description: "FlameScope's white to red" },
  { label: 'Enhanced', value: 'enhanced', description: 'Counts of 1–2 in blue: single-threaded work stands out' },
];
/**
 * Rows per second: the heat map's y resolution, each with what it means in its label — Combobox sizes its menu to the
 * labels, so a description beside them would be cut. A row count matching perf's -F rate avoids aliasing stripes.
 */
const ROWS_LABEL: Record<number, string> = {
  10: '10 · 100 ms',
  25: '25 · 40 ms',
  49: '49 · perf -F 49',
  50: '50 · 20 ms',
  99: '99 · perf -F 99',
  100: '100 · 10 ms',
};
const ROWS_TOOLTIP =
  "Rows per second: each row is 1000 ms ÷ rows of every second. 50 is FlameScope's default; the count of perf's " +
  '-F rate (49, 99) gives one sample per row and CPU, without aliasing stripes.';
const CATALOG_POLL_MS = 1000;
/** Room for the heat map's y axis and margins: columns beyond the plot's pixels would not show. */
const PLOT_MARGIN_PX = 60;

function Viewer({ services, mode, onToggleTheme }: { services: HostServices; mode: ThemeMode; onToggleTheme(): void }) {
  const styles = useStyles2(getStyles);
  const { sidecar, dataSources } = services;
  const initial = useMemo(() => readUrlState(locationService.getSearchObject()), []);

  const [catalog, setCatalog] = useState<ProfileEntry[]>();
  const [catalogFailure, setCatalogFailure] = useState<Failure>();
  const [locals, setLocals] = useState<LocalSource[]>([]);
  const [view, setView] = useState<View>();
  const [spanFailure, setSpanFailure] = useState<Failure>();
  const [rows, setRows] = useState(initial.rows ?? DEFAULT_ROWS);
  const [palette, setPalette] = useState<HeatmapPalette>(initial.palette ?? 'flamescope');
  const [timeZone, setTimeZone] = useState(initial.timeZone ?? 'browser');
  const [panelOptions, setPanelOptions] = useState<EditableOptions>(() => ({
    split: initial.split ?? DEFAULT_OPTIONS.split,
    inverted: initial.inverted ?? DEFAULT_OPTIONS.inverted,
    maxNodes: initial.maxNodes ?? DEFAULT_OPTIONS.maxNodes,
    colorScale: initial.colorScale ?? DEFAULT_OPTIONS.colorScale,
  }));
  const [history, setHistory] = useState<Range[]>([]);
  const [opening, setOpening] = useState<OpeningState>();
  const [openFailure, setOpenFailure] = useState<Failure>();
  const [width, setWidth] = useState(() => window.innerWidth);
  const [retries, setRetries] = useState(0);

  /** The source being shown: answers that arrive for another (the visitor moved on) are dropped. */
  const showing = useRef<string | undefined>(undefined);

  const refreshCatalog = useCallback(
    () =>
      sidecar.listProfiles('').then(
        (entries) => {
          setCatalog(entries);
          setCatalogFailure(undefined);
          return entries;
        },
        (e: unknown) => {
          setCatalogFailure(describeFailure(e));
          throw e;
        }
      ),
    [sidecar]
  );

  /** Shows a profile of the sidecar: over its span, found first when the catalog does not know it yet. */
  const showSidecarProfile = useCallback((id: string, entries: ProfileEntry[] | undefined, range?: Range) => {
    const source: Source = { uid: SIDECAR_UID, id };
    const key = sourceKey(source);
    showing.current = key;
    setSpanFailure(undefined);
    const span = knownSpan(entries?.find((e) => e.id === id));
    const fitted = range ?? (span ? fitRange(span.firstMs, span.lastMs) : undefined);
    setView({ source, range: fitted });
    if (fitted) {
      return;
    }
    resolveSpan(id).then(
      (found) => showing.current === key && setView({ source, range: fitRange(found.firstMs, found.lastMs) }),
      (e: unknown) => showing.current === key && setSpanFailure(describeFailure(e))
    );
  }, []);

  // Opening: a dashboard's repeated panel, or the profile and range in the address, else the catalog's first
  // profile over its span. The listing is asked again while the data proxy times out or the sidecar is busy (as
  // the data source asks again for a query), so a loaded sidecar does not leave the page on an error.
  useEffect(() => {
    lastValueFrom(retrying(() => defer(() => sidecar.listProfiles(''))).pipe(answers())).then(
      (entries) => {
        setCatalog(entries);
        const dashboard = dashboardOf(initial, entries);
        if (dashboard) {
          // The dashboard's variables, as Grafana's template service has them: the repeated one with every value.
          const others = (initial.variables ?? []).filter((v) => v.name !== dashboard.variable);
          (getTemplateSrv() as HostTemplateSrv).setVariables([
            ...others,
            { name: dashboard.variable, value: dashboard.values },
          ]);
          const range =
            initial.from !== undefined && initial.to !== undefined
              ? { from: initial.from, to: initial.to }
              : dashboardRange(dashboard, entries);
          setView({ source: { uid: SIDECAR_UID, id: '' }, range, dashboard });
          return;
        }
        const id = initial.profile ?? viewable(entries)[0]?.id;
        if (id) {
          const range =
            initial.from !== undefined && initial.to !== undefined ? { from: initial.from, to: initial.to } : undefined;
          showSidecarProfile(id, entries, range);
        }
      },
      (e: unknown) => setCatalogFailure(describeFailure(e))
    );
  }, [initial, sidecar, showSidecarProfile]);

  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const maxColumns = Math.min(4000, Math.max(200, Math.ceil((width - PLOT_MARGIN_PX) / 200) * 200));

  const heatmap = useHeatmap(
    view?.range && !view.dashboard
      ? { source: view.source, range: view.range, rows, maxColumns, timeZone, attempt: retries }
      : undefined
  );

  // While a profile is being parsed, the catalog shows progress: poll it.
  const sidecarView = view?.source.uid === SIDECAR_UID;
  const parsing =
    !!catalog?.some((e) => e.status === 'parsing') ||
    (sidecarView && (!view?.range || (heatmap.loading && !heatmap.hasFrame)));
  useEffect(() => {
    if (!parsing) {
      return;
    }
    const timer = setInterval(() => sidecar.listProfiles('').then(setCatalog, () => undefined), CATALOG_POLL_MS);
    return () => clearInterval(timer);
  }, [parsing, sidecar]);

  // A heat map of a sidecar profile parses it: the catalog then knows its span and host.
  const shownKey = heatmap.hasFrame && view ? sourceKey(view.source) : undefined;
  const stale =
    !!shownKey &&
    shownKey.startsWith(`${SIDECAR_UID}::`) &&
    !knownSpan(catalog?.find((e) => sourceKey({ uid: SIDECAR_UID, id: e.id }) === shownKey));
  useEffect(() => {
    if (stale) {
      sidecar.listProfiles('').then(setCatalog, () => undefined);
    }
  }, [stale, sidecar]);

  // The address follows the view (replaceState through Grafana's location service, which the panel uses too).
  const lastSource = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!view) {
      return;
    }
    const key = sourceKey(view.source);
    const changed = lastSource.current !== undefined && lastSource.current !== key;
    lastSource.current = key;
    const fromSidecar = view.source.uid === SIDECAR_UID;
    const params: Record<string, string | undefined> = urlParams({
      profile: fromSidecar && !view.dashboard ? view.source.id : undefined,
      from: fromSidecar ? view.range?.from : undefined,
      to: fromSidecar ? view.range?.to : undefined,
      rows,
      palette,
      timeZone,
      ...panelOptions,
    });
    if (changed) {
      // A new profile starts without a selection: the panel's keys (tagged ones of repeated copies too) go.
      const key = selectionParam(PANEL_ID);
      for (const name of Object.keys(locationService.getSearchObject())) {
        if (name === key || name.startsWith(`${key}-`)) {
          params[name] = undefined;
        }
      }
    }
    if (!view.dashboard) {
      // Out of the dashboard mode: its query and variables leave the address.
      for (const name of Object.keys(locationService.getSearchObject())) {
        if (name === 'prefix' || name === 'repeat' || name.startsWith('var-')) {
          params[name] = undefined;
        }
      }
    }
    locationService.partial(params, true);
  }, [view, rows, palette, timeZone, panelOptions]);

  const setRange = useCallback(
    (range: Range) => {
      if (!view || !(range.to > range.from) || sameRange(view.range, range)) {
        return;
      }
      const previous = view.range;
      if (previous) {
        setHistory((h) => [previous, ...h.filter((r) => !sameRange(r, previous))].slice(0, 4));
      }
      setView({ ...view, range });
    },
    [view]
  );

  const local = view ? locals.find((l) => l.uid === view.source.uid) : undefined;
  const entry = view && view.source.uid === SIDECAR_UID ? catalog?.find((e) => e.id === view.source.id) : undefined;
  const span = useMemo(
    () => (local ? { firstMs: local.profile.firstMs, lastMs: local.profile.lastMs } : knownSpan(entry)),
    [local, entry]
  );

  const fit = useCallback(() => {
    if (!view) {
      return;
    }
    if (span) {
      setRange(fitRange(span.firstMs, span.lastMs));
    } else if (view.source.uid === SIDECAR_UID) {
      showSidecarProfile(view.source.id, catalog);
    }
  }, [view, span, setRange, showSidecarProfile, catalog]);

  const choose = useCallback(
    (source: Source) => {
      if (view && sourceKey(view.source) === sourceKey(source)) {
        return;
      }
      const l = locals.find((x) => x.uid === source.uid);
      if (l) {
        showing.current = sourceKey(source);
        setSpanFailure(undefined);
        setView({ source, range: fitRange(l.profile.firstMs, l.profile.lastMs) });
      } else {
        showSidecarProfile(source.id, catalog);
      }
    },
    [view, locals, catalog, showSidecarProfile]
  );

  const openFile = useCallback(
    async (file: File) => {
      setOpenFailure(undefined);
      setOpening({ name: file.name, bytesRead: 0, totalBytes: file.size });
      try {
        const profile = await openProfileFile(file, (p) => setOpening({ name: file.name, ...p }));
        const uid = `flamescope-local-${Date.now().toString(36)}`;
        dataSources.add(new LocalDataSource(profile, uid), localSettings(uid, profile.fileName));
        setLocals((ls) => [...ls, { uid, profile }]);
        showing.current = sourceKey({ uid, id: profile.id });
        setSpanFailure(undefined);
        setView({ source: { uid, id: profile.id }, range: fitRange(profile.firstMs, profile.lastMs) });
      } catch (e) {
        setOpenFailure({ ...describeFailure(e), title: `${file.name} could not be opened` });
      } finally {
        setOpening(undefined);
      }
    },
    [dataSources]
  );

  const title = local
    ? local.profile.fileName
    : view?.dashboard
      ? `${view.dashboard.prefix} by ${view.dashboard.variable}`
      : view?.source.id;
  useEffect(() => {
    document.title = title ? `${title} · FlameScope` : 'FlameScope';
  }, [title]);

  const options = useMemo(() => ({ ...DEFAULT_OPTIONS, palette, ...panelOptions }), [palette, panelOptions]);
  const timeRange: TimeRange | undefined = view?.range ? toTimeRange(view.range) : undefined;

  let placeholder: ReactNode;
  if (openFailure) {
    placeholder = (
      <FailureMessage failure={openFailure}>
        <p>
          Open the text output of <code>perf script</code> (plain or gzip), for example{' '}
          <code>perf record -F 49 -a -g -- sleep 30; perf script &gt; out.txt</code>.
        </p>
        <Button variant="secondary" onClick={() => setOpenFailure(undefined)}>
          Back
        </Button>
      </FailureMessage>
    );
  } else if (opening && !heatmap.hasFrame) {
    placeholder = <Waiting>Parsing {opening.name} in this browser…</Waiting>;
  } else if (catalogFailure && !view) {
    placeholder = (
      <FailureMessage failure={catalogFailure} onRetry={() => void refreshCatalog().catch(() => undefined)} />
    );
  } else if (catalog && !view && viewable(catalog).length === 0) {
    placeholder = <EmptyCatalog />;
  } else if (!view) {
    placeholder = <Waiting>Loading the profile catalog…</Waiting>;
  } else if (spanFailure) {
    const first = catalog ? viewable(catalog).find((e) => e.id !== view.source.id) : undefined;
    placeholder = (
      <FailureMessage failure={spanFailure} onRetry={() => showSidecarProfile(view.source.id, catalog)}>
        {spanFailure.kind === 'not-found' && first && (
          <p>
            Choose a profile above, or{' '}
            <Button size="sm" fill="text" onClick={() => showSidecarProfile(first.id, catalog)}>
              open {first.id}
            </Button>
          </p>
        )}
      </FailureMessage>
    );
  } else if (view.dashboard && (!view.range || view.dashboard.values.length === 0)) {
    placeholder = <EmptyDashboard dashboard={view.dashboard} />;
  } else if (!view.range) {
    placeholder = <Waiting>{parsingText(view.source.id, entry)}</Waiting>;
  } else if (!heatmap.hasFrame && heatmap.loading && entry?.status === 'parsing' && !heatmap.parsing?.progress.length) {
    // Until the data source reports the parse (its first try is still waiting), the catalog's progress.
    placeholder = <Waiting>{parsingText(view.source.id, entry)}</Waiting>;
  }

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div className={styles.row}>
          <a className={styles.brand} href="/" title="FlameScope: reopen the first profile">
            <img src="/host/logo.svg" alt="" width={24} height={24} />
            <h1 className={styles.title}>FlameScope</h1>
          </a>
          <Toggletip title="Reading FlameScope" content={<Help />} placement="bottom-start" closeButton>
            <IconButton name="question-circle" aria-label="How to read FlameScope" data-testid="flamescope-help" />
          </Toggletip>
          <span id="flamescope-profile-label" className={styles.srOnly}>
            Profile
          </span>
          <div className={styles.picker}>
            <ProfilePicker
              sidecarUid={SIDECAR_UID}
              catalog={catalog}
              locals={locals}
              value={view?.source}
              refresh={refreshCatalog}
              onChange={choose}
            />
          </div>
          {timeRange && view?.range ? (
            <TimeRangePicker
              value={timeRange}
              timeZone={timeZone}
              onChange={(r) => setRange({ from: r.from.valueOf(), to: r.to.valueOf() })}
              onChangeTimeZone={setTimeZone}
              onMoveBackward={() => setRange(shiftRange(view.range!, -1))}
              onMoveForward={() => setRange(shiftRange(view.range!, 1))}
              onZoom={() => setRange(zoomOutRange(view.range!))}
              history={history.map(toTimeRange)}
              hideQuickRanges
            />
          ) : null}
          <div className={styles.spacer} />
          <ToolbarButton
            icon={mode === 'dark' ? <SunIcon /> : <MoonIcon />}
            tooltip={mode === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
            aria-label={mode === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
            onClick={onToggleTheme}
            data-testid="flamescope-theme-toggle"
          />
        </div>
        <div className={styles.row}>
          <div className={styles.fixed}>
            <Tooltip content={ROWS_TOOLTIP}>
              <label className={styles.label} htmlFor="flamescope-rows">
                Rows
              </label>
            </Tooltip>
            <Combobox<number>
              id="flamescope-rows"
              data-testid="flamescope-rows"
              width={18}
              options={ROWS_OPTIONS.map((r) => ({ value: r, label: ROWS_LABEL[r] ?? String(r) }))}
              value={rows}
              onChange={(o) => setRows(o.value)}
            />
            <span className={styles.label}>Colours</span>
            <RadioButtonGroup size="sm" options={PALETTE_OPTIONS} value={palette} onChange={setPalette} />
          </div>
          <ProfileFacts
            entry={local ? localEntry(local.profile) : entry}
            local={local}
            notices={heatmap.frame?.meta?.notices}
          />
          <div className={styles.spacer} />
          <div className={styles.fixed}>
            <PanelOptions value={panelOptions} onChange={setPanelOptions} />
          </div>
          <DropZone opening={opening} onFile={(f) => void openFile(f)} />
        </div>
      </header>
      {view?.dashboard && view.range && !placeholder ? (
        <RepeatedPanels
          {...view.dashboard}
          range={view.range}
          rows={rows}
          maxColumns={maxColumns}
          options={options}
          timeZone={timeZone}
          attempt={retries}
          onChangeTimeRange={setRange}
          onRetry={() => setRetries((n) => n + 1)}
        />
      ) : (
        <PanelArea
          heatmap={heatmap}
          range={view?.range}
          options={options}
          timeZone={timeZone}
          panelKey={view ? sourceKey(view.source) : ''}
          placeholder={placeholder}
          onChangeTimeRange={setRange}
          onFit={span || view?.source.uid === SIDECAR_UID ? fit : undefined}
          onRetry={() => setRetries((n) => n + 1)}
        />
      )}
    </div>
  );
}

function parsingText(id: string, entry: ProfileEntry | undefined): string {
  const p = entry?.status === 'parsing' ? entry.progress : undefined;
  if (p && p.totalBytes > 0) {
    return `The sidecar is parsing ${id}: ${(p.bytesRead / 1e6).toFixed(0)} of ${(p.totalBytes / 1e6).toFixed(0)} MB`;
  }
  return `Opening ${id}…`;
}

/** The profile at a glance: host, samples, events, span, and how it was placed on the wall clock. */
function ProfileFacts({
  entry,
  local,
  notices,
}: {
  entry?: ProfileEntry;
  local?: LocalSource;
  notices?: Array<{ severity: string; text: string }>;
}) {
  const styles = useStyles2(getStyles);
  const facts: string[] = [];
  const host = entry?.host;
  const samples = entry?.samples;
  const known = knownSpan(entry);
  const span = known ? known.lastMs - known.firstMs : undefined;
  if (local) {
    facts.push(`${local.profile.fileName} (parsed here)`);
  }
  if (host) {
    facts.push(host);
  }
  if (samples !== undefined) {
    facts.push(`${samples.toLocaleString('en-US')} samples`);
  }
  if (span !== undefined) {
    facts.push(formatSpan(span));
  }
  const warnings = (notices ?? []).filter((n) => n.severity !== 'info');
  const all = notices ?? [];
  if (facts.length === 0 && all.length === 0) {
    return null;
  }
  return (
    <div className={styles.facts} data-testid="flamescope-facts">
      <span className={styles.factsText} title={facts.join(' · ')}>
        {facts.join(' · ')}
      </span>
      {all.length > 0 && (
        <Tooltip
          content={
            <div>
              {all.map((n, i) => (
                <div key={i}>{n.text}</div>
              ))}
            </div>
          }
        >
          <span
            className={warnings.length > 0 ? styles.warning : styles.info}
            tabIndex={0}
            aria-label="Notes about this profile"
          >
            <Icon name={warnings.length > 0 ? 'exclamation-triangle' : 'info-circle'} />
            {warnings.length > 0 ? ` ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''}
          </span>
        </Tooltip>
      )}
    </div>
  );
}

/** The heat map in a few sentences, for a first visit. */
function Help() {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.help}>
      <p>
        The heat map is a CPU profile over time. Each <strong>column is one second</strong> of wall-clock time; going up
        a column is the <strong>offset within that second</strong> (0 at the bottom, 1000 ms at the top). A cell&apos;s
        colour is how many samples fell in it: darker red, busier.
      </p>
      <p>
        Patterns jump out: a vertical stripe is a busy second, a horizontal band is work at the same offset every second
        (a timer), a dark blob is a burst such as a GC pause.
      </p>
      <p>
        <strong>Drag across cells</strong> (or click a start and an end) to see the flame graph of exactly that slice of
        time. Click a frame to zoom into it, search to highlight, download it as SVG or folded stacks.
      </p>
      <p>Open your own profile by dropping a perf script file anywhere on the page: it is parsed in this browser.</p>
    </div>
  );
}

function EmptyDashboard({ dashboard }: { dashboard: Dashboard }) {
  const styles = useStyles2(getStyles);
  const { prefix, variable, values } = dashboard;
  return (
    <div className={styles.empty} data-testid="flamescope-empty">
      <h2>No profiles to repeat the panel over</h2>
      <p>
        {values.length === 0
          ? `The link repeats the panel by $${variable} but gives it no values (var-${variable}=…), and the catalog has no folders to take them from.`
          : `No profile in the catalog is under ${prefix} for ${values.join(', ')}: check the prefix and the values of $${variable}, or give the time range in the link (from, to).`}
      </p>
    </div>
  );
}

function EmptyCatalog() {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.empty} data-testid="flamescope-empty">
      <h2>No profiles yet</h2>
      <p>
        The sidecar lists <code>perf script</code> output (plain text or .gz) in its storage folder or bucket. Record
        one with
        <code className={styles.code}>
          perf record -F 49 -a -g -- sleep 30 &amp;&amp; perf script | gzip &gt; profile.txt.gz
        </code>
        and put it there — or drop it on this page to look at it right away.
      </p>
    </div>
  );
}

/** A 16-px line icon in the text colour (Grafana's icon set has no sun or moon). */
function LineIcon({ children }: { children: React.ReactNode }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      aria-hidden
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

function SunIcon() {
  return (
    <LineIcon>
      <circle cx="12" cy="12" r="4.5" />
      <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
    </LineIcon>
  );
}

function MoonIcon() {
  return (
    <LineIcon>
      <path d="M20.5 14.5A8.5 8.5 0 0 1 9.5 3.5a8.5 8.5 0 1 0 11 11z" />
    </LineIcon>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    position: 'fixed',
    inset: 0,
    display: 'flex',
    flexDirection: 'column',
    background: theme.colors.background.canvas,
    color: theme.colors.text.primary,
  }),
  header: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    flex: 'none',
  }),
  // Two rows down to a tablet's width: the picker, the facts and the drop zone shrink (ellipsis, full text on hover)
  // rather than wrap; narrower than that, the controls wrap.
  row: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'nowrap',
    minWidth: 0,
    [theme.breakpoints.down('md')]: { flexWrap: 'wrap' },
  }),
  picker: css({
    flex: '0 1 368px',
    minWidth: 160,
    // Combobox takes a fixed width (its auto width measures Grafana's web font, which this page does not load).
    '& > *': { width: '100% !important', maxWidth: '100%' },
  }),
  fixed: css({ flex: 'none', display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  brand: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginRight: theme.spacing(1),
    color: theme.colors.text.primary,
    textDecoration: 'none',
    '&:hover': { color: theme.colors.text.primary },
  }),
  // Below a laptop's width the logo alone: the room goes to the profile's name.
  title: css({
    ...theme.typography.h4,
    margin: 0,
    whiteSpace: 'nowrap',
    [theme.breakpoints.down('lg')]: {
      position: 'absolute',
      width: 1,
      height: 1,
      overflow: 'hidden',
      clip: 'rect(0 0 0 0)',
    },
  }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  spacer: css({ flex: '1 1 0' }),
  srOnly: css({ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }),
  facts: css({
    // Shrinks last: the drop zone gives up its room first.
    flex: '0 1 auto',
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    minWidth: 0,
    marginLeft: theme.spacing(1),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  factsText: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  info: css({ color: theme.colors.text.secondary, cursor: 'help' }),
  warning: css({ color: theme.colors.warning.text, cursor: 'help', whiteSpace: 'nowrap' }),
  help: css({ maxWidth: 420, p: { marginBottom: theme.spacing(1) }, 'p:last-child': { marginBottom: 0 } }),
  empty: css({ maxWidth: 640, margin: 'auto', padding: theme.spacing(4), color: theme.colors.text.secondary }),
  code: css({ display: 'block', margin: theme.spacing(1, 0), fontFamily: theme.typography.fontFamilyMonospace }),
});
