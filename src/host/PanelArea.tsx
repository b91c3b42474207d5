/**
 * The rest of the window: the FlameScope panel at the area's size (following window resizes), or — until there is a
 * heat map to show — what the page is doing or what went wrong, in words, with the way out.
 */
import { css } from '@emotion/css';
import { EventBusSrv, GrafanaTheme2, PanelProps } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { Alert, Button, LoadingBar, Spinner, Stack, useStyles2 } from '@grafana/ui';
import React, { ReactNode, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { FlameScopePanel } from '../panel/FlameScopePanel';
import { FlameScopeOptions } from '../panel/options';
import { Failure, sentence } from './failure';
import { Range } from './range';
import { HeatmapState, toTimeRange } from './useHeatmap';

/** The panel's id: its selection is kept in the address as `flamescope-1`. */
export const PANEL_ID = 1;
const PADDING = 8;

interface Props {
  heatmap: HeatmapState;
  range: Range | undefined;
  options: FlameScopeOptions;
  timeZone: string;
  /** Remounts the panel (a new profile starts without a selection). */
  panelKey: string;
  /** Shown instead of the panel when set (no profiles, the sidecar down, a profile being opened…). */
  placeholder?: ReactNode;
  onChangeTimeRange(range: Range): void;
  /** For an empty range: set it to the profile's span. */
  onFit?(): void;
  onRetry(): void;
}

export function PanelArea(props: Props) {
  const { heatmap, range, options, timeZone, panelKey, placeholder, onChangeTimeRange, onFit, onRetry } = props;
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  const width = Math.max(0, size.width - 2 * PADDING);
  const height = Math.max(0, size.height - 2 * PADDING);

  return (
    <main className={styles.area} ref={ref} data-testid="flamescope-panel-area">
      {heatmap.loading && heatmap.hasFrame && width > 0 && (
        <div className={styles.loadingBar}>
          <LoadingBar width={size.width} />
        </div>
      )}
      <div className={styles.inner} style={{ padding: PADDING }}>
        {placeholder ?? (
          <HostedPanel
            heatmap={heatmap}
            range={range}
            options={options}
            timeZone={timeZone}
            panelKey={panelKey}
            width={width}
            height={height}
            onChangeTimeRange={onChangeTimeRange}
            onFit={onFit}
            onRetry={onRetry}
          />
        )}
      </div>
    </main>
  );
}

interface HostedPanelProps extends Omit<Props, 'placeholder'> {
  width: number;
  height: number;
  title?: string;
}

/**
 * The FlameScope panel as a dashboard renders it — with a heat map, or with the data source's "parsing" frame, which
 * the panel shows — or what the page is doing or what went wrong. `replaceVariables` is Grafana's: the template
 * service with the panel's own scoped variables (a repeated panel's `$host`).
 */
export function HostedPanel(props: HostedPanelProps) {
  const { heatmap, range, options, timeZone, panelKey, width, height, title, onChangeTimeRange, onFit, onRetry } =
    props;
  const eventBus = useMemo(() => new EventBusSrv(), []);
  if ((heatmap.hasFrame || (heatmap.parsing?.progress.length ?? 0) > 0) && range && width > 0 && height > 0) {
    const scopedVars = heatmap.data.request?.scopedVars;
    const panelProps: PanelProps<FlameScopeOptions> = {
      id: PANEL_ID,
      data: heatmap.data,
      timeRange: toTimeRange(range),
      timeZone,
      options,
      transparent: false,
      width,
      height,
      fieldConfig: { defaults: {}, overrides: [] },
      renderCounter: 0,
      title: title ?? 'FlameScope',
      eventBus,
      onOptionsChange: () => {},
      onFieldConfigChange: () => {},
      replaceVariables: (text, vars, format) =>
        getTemplateSrv().replace(text, { ...scopedVars, ...vars }, format as string | undefined),
      onChangeTimeRange: (r) => onChangeTimeRange({ from: r.from, to: r.to }),
    };
    return <FlameScopePanel key={panelKey} {...panelProps} />;
  }
  if (heatmap.failure && !heatmap.loading) {
    return <FailureMessage failure={heatmap.failure} onFit={onFit} onRetry={onRetry} />;
  }
  return <Waiting>{heatmap.parsing ? sentence(heatmap.parsing.notice) : 'Drawing the heat map…'}</Waiting>;
}

export function Waiting({ children }: { children: ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.center} data-testid="flamescope-waiting">
      <Stack direction="column" alignItems="center" gap={2}>
        <Spinner size="xl" />
        <div>{children}</div>
      </Stack>
    </div>
  );
}

export function FailureMessage({
  failure,
  onFit,
  onRetry,
  children,
}: {
  failure: Failure;
  onFit?: () => void;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const styles = useStyles2(getStyles);
  const severity = ['outside-range', 'timeout', 'parsing'].includes(failure.kind) ? 'info' : 'error';
  return (
    <div className={styles.center}>
      <div className={styles.message} data-testid="flamescope-failure" data-failure-kind={failure.kind}>
        <Alert title={failure.title} severity={severity}>
          <p>{failure.message}</p>
          {children}
          <Stack direction="row" gap={1}>
            {failure.kind === 'outside-range' && onFit && (
              <Button icon="arrows-h" onClick={onFit}>
                Fit to profile
              </Button>
            )}
            {onRetry && failure.kind !== 'outside-range' && (
              <Button variant="secondary" icon="sync" onClick={onRetry}>
                Try again
              </Button>
            )}
          </Stack>
        </Alert>
      </div>
    </div>
  );
}

export function useElementSize(ref: React.RefObject<HTMLElement>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    const measure = () => {
      const width = Math.floor(el.clientWidth);
      const height = Math.floor(el.clientHeight);
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

const getStyles = (theme: GrafanaTheme2) => ({
  area: css({
    position: 'relative',
    flex: '1 1 auto',
    minHeight: 0,
    margin: theme.spacing(0, 1, 1, 1),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  inner: css({ position: 'absolute', inset: 0 }),
  loadingBar: css({ position: 'absolute', top: 0, left: 0, right: 0, zIndex: 1 }),
  center: css({
    height: '100%',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.colors.text.secondary,
    textAlign: 'center',
  }),
  message: css({ maxWidth: 640, textAlign: 'left' }),
});
