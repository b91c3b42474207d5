/**
 * The slice's flame graph with its companions, as Grafana's own flame graph offers them: the graph, a top-functions
 * table, or both side by side (a toggle), and a sandwich view of one function (its callers above, its callees below)
 * opened from a table row or a right-click on a frame. The table's selected row is highlighted in the graph; the search
 * box filters both.
 */
import React, { forwardRef, useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { RadioButtonGroup, useStyles2 } from '@grafana/ui';
import { FlameNode } from '../model';
import { FlameGraphHandle, FlameGraphView, FlameGraphViewProps } from './FlameGraphView';
import { SandwichView } from './SandwichView';
import { TopFunctionsTable } from './TopFunctionsTable';

export type FlameGraphLayoutMode = 'graph' | 'table' | 'both';

const MODES: Array<SelectableValue<FlameGraphLayoutMode>> = [
  { label: 'Graph', value: 'graph', description: 'The flame graph' },
  { label: 'Table', value: 'table', description: 'Top functions: self and total samples per function' },
  { label: 'Both', value: 'both', description: 'The table beside the graph' },
];

/** Height of the mode bar above the views. */
const BAR_HEIGHT = 32;
/** Below this width "both" stacks the table under the graph instead of beside it. */
const SIDE_BY_SIDE_MIN_WIDTH = 900;

export const FlameGraphArea = forwardRef<FlameGraphHandle, FlameGraphViewProps>(function FlameGraphArea(props, ref) {
  const { root, width, height, search, diff } = props;
  const styles = useStyles2(getStyles);
  const [mode, setMode] = useState<FlameGraphLayoutMode>('graph');
  const [selected, setSelected] = useState<string | undefined>();
  const [sandwich, setSandwich] = useState<string | undefined>();

  // A new slice: the selection and the sandwich belong to the old one.
  useEffect(() => {
    setSelected(undefined);
    setSandwich(undefined);
  }, [root]);

  const bodyHeight = Math.max(40, height - BAR_HEIGHT);
  const sideBySide = mode === 'both' && width >= SIDE_BY_SIDE_MIN_WIDTH;
  const graphWidth = mode === 'both' && sideBySide ? Math.floor(width * 0.6) : width;
  const graphHeight = mode === 'both' && !sideBySide ? Math.floor(bodyHeight * 0.6) : bodyHeight;
  const tableWidth = sideBySide ? width - graphWidth - 8 : width;
  const tableHeight = mode === 'both' && !sideBySide ? bodyHeight - graphHeight - 8 : bodyHeight;

  const graph = (
    <FlameGraphView
      {...props}
      ref={ref}
      width={graphWidth}
      height={graphHeight}
      highlight={selected}
      onFrameContextMenu={(node) => node.kind !== 'root' && setSandwich(node.name)}
    />
  );
  const table = (
    <TopFunctionsTable
      root={root}
      search={search}
      diff={diff}
      selected={selected}
      onSelect={(name) => setSelected((current) => (current === name ? undefined : name))}
      onSandwich={setSandwich}
      width={tableWidth}
      height={tableHeight}
    />
  );

  return (
    <div className={styles.area} style={{ width, height }}>
      <div className={styles.bar} style={{ height: BAR_HEIGHT }}>
        <RadioButtonGroup size="sm" options={MODES} value={mode} onChange={setMode} />
        {selected && (
          <span className={styles.hint}>
            Highlighted: <strong>{selected}</strong> (click its row again to clear)
          </span>
        )}
        {!selected && mode !== 'graph' && (
          <span className={styles.hint}>
            Click a row to highlight it in the graph; right-click a frame for its sandwich
          </span>
        )}
      </div>
      {sandwich ? (
        <SandwichView
          root={root}
          name={sandwich}
          width={width}
          height={bodyHeight}
          onClose={() => setSandwich(undefined)}
          renderGraph={(tree: FlameNode, orientation, size) => (
            <FlameGraphView
              root={tree}
              width={size?.width ?? width}
              height={size?.height ?? Math.floor(bodyHeight / 2)}
              inverted={orientation === 'icicle'}
              diff={diff}
              baselineName={props.baselineName}
            />
          )}
        />
      ) : (
        <div className={sideBySide ? styles.row : styles.column}>
          {mode !== 'table' && graph}
          {mode !== 'graph' && table}
        </div>
      )}
    </div>
  );
});

const getStyles = (theme: GrafanaTheme2) => ({
  area: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  bar: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flex: '0 0 auto',
  }),
  hint: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  row: css({ display: 'flex', flexDirection: 'row', gap: theme.spacing(1), minHeight: 0 }),
  column: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), minHeight: 0 }),
});
