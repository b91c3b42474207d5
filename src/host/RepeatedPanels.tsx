/**
 * A dashboard's repeated panel, in the viewer: one FlameScope panel per value of a variable (`?repeat=host` with
 * `var-host=a&var-host=b`), each querying every profile under the prefix (`?prefix=$host/`) with its own value as a
 * scoped variable — what Grafana's runner gives each copy of a panel repeated by `$host`. The copies share the
 * panel's id, as Scenes' clones do, so their selections in the address must be told apart by what their variables
 * stand for (src/panel/selection-url.ts): the case the browser tests check here.
 */
import { css } from '@emotion/css';
import { GrafanaTheme2, ScopedVars } from '@grafana/data';
import { LoadingBar, useStyles2 } from '@grafana/ui';
import React, { useMemo, useRef } from 'react';
import { FlameScopeOptions } from '../panel/options';
import { HostedPanel, useElementSize } from './PanelArea';
import { Range } from './range';
import { SIDECAR_UID } from './sidecar';
import { useHeatmap } from './useHeatmap';

/** Each copy at least this tall: a heat map and its flame graph need room; more copies scroll. */
const MIN_PANEL_HEIGHT = 360;
const HEADER_HEIGHT = 32;
const PADDING = 8;

interface Props {
  /** The query's prefix, with the variable in it (`$host/`). */
  prefix: string;
  variable: string;
  values: string[];
  range: Range;
  rows: number;
  maxColumns: number;
  options: FlameScopeOptions;
  timeZone: string;
  attempt: number;
  onChangeTimeRange(range: Range): void;
  onRetry(): void;
}

export function RepeatedPanels(props: Props) {
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  const count = Math.max(1, props.values.length);
  const panelHeight = Math.max(MIN_PANEL_HEIGHT, Math.floor((size.height - PADDING * (count + 1)) / count));
  return (
    <main className={styles.area} ref={ref} data-testid="flamescope-panel-area">
      {props.values.map((value) => (
        <RepeatedPanel key={value} {...props} value={value} width={size.width - 2 * PADDING} height={panelHeight} />
      ))}
    </main>
  );
}

function RepeatedPanel(props: Props & { value: string; width: number; height: number }) {
  const { prefix, variable, value, range, rows, maxColumns, timeZone, attempt, width, height } = props;
  const styles = useStyles2(getStyles);
  const scopedVars: ScopedVars = useMemo(() => ({ [variable]: { text: value, value } }), [variable, value]);
  const heatmap = useHeatmap({
    source: { uid: SIDECAR_UID, id: `${prefix}|${value}` },
    prefix,
    scopedVars,
    range,
    rows,
    maxColumns,
    timeZone,
    attempt,
  });
  const title = `${variable}: ${value}`;
  return (
    <section className={styles.panel} style={{ height }} aria-label={title} data-testid="flamescope-repeated-panel">
      <header className={styles.header}>{title}</header>
      {heatmap.loading && heatmap.hasFrame && width > 0 && (
        <div className={styles.loadingBar}>
          <LoadingBar width={width} />
        </div>
      )}
      <div className={styles.body}>
        <HostedPanel
          heatmap={heatmap}
          range={range}
          options={props.options}
          timeZone={timeZone}
          panelKey={value}
          title={title}
          width={Math.max(0, width - 2 * PADDING)}
          height={Math.max(0, height - HEADER_HEIGHT - 2 * PADDING)}
          onChangeTimeRange={props.onChangeTimeRange}
          onRetry={props.onRetry}
        />
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  area: css({
    flex: '1 1 auto',
    minHeight: 0,
    overflowY: 'auto',
    display: 'flex',
    flexDirection: 'column',
    gap: PADDING,
    padding: PADDING,
  }),
  panel: css({
    position: 'relative',
    flex: 'none',
    display: 'flex',
    flexDirection: 'column',
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  header: css({
    ...theme.typography.h6,
    height: HEADER_HEIGHT,
    lineHeight: `${HEADER_HEIGHT}px`,
    padding: theme.spacing(0, 1),
    marginBottom: 0,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  loadingBar: css({ position: 'absolute', top: HEADER_HEIGHT, left: 0, right: 0, zIndex: 1 }),
  body: css({ flex: '1 1 auto', minHeight: 0, padding: PADDING }),
});
