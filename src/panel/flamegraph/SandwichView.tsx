/**
 * The sandwich view of one function: a header (name, total and self) over two graphs — its callers above, as a flame
 * whose root (the function) sits at the bottom, on the divider, with the callers stacked upwards; its callees below,
 * as an icicle whose root (the function) sits at the top, on the divider. Both are merged across every place the
 * function occurs (sandwich.ts). The graphs themselves come from `renderGraph`, so any flame-graph view plugs in.
 */
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2 } from '@grafana/ui';
import { FlameNode } from '../model';
import { runInSlices } from './functions';
import { Sandwich, sandwichSliced } from './sandwich';
import { compactCount, formatPercent } from './TopFunctionsTable';

export type GraphOrientation = 'flame' | 'icicle';

export interface SandwichViewProps {
  /** The flame graph the function is taken from. */
  root: FlameNode;
  /** The function. */
  name: string;
  /**
   * Draws one of the two trees: callers as 'flame' (root at the bottom), callees as 'icicle' (root at the top).
   * `size` is the graph's area when the view has a width and height, else undefined (the area then fills its share
   * of the view).
   */
  renderGraph(
    tree: FlameNode,
    orientation: GraphOrientation,
    size?: { width: number; height: number }
  ): React.ReactNode;
  /** The close button, or Esc inside the view. */
  onClose(): void;
  /** Size in px; by default the view fills its parent. */
  width?: number;
  height?: number;
}

export const SANDWICH_TEST_ID = 'flamescope-sandwich';
const HEADER_HEIGHT = 32;
const LABEL_HEIGHT = 22;

interface Merged {
  root: FlameNode;
  name: string;
  sandwich: Sandwich;
}

/**
 * The sandwich of `name` in `root`, merged in slices (a new tree or name cancels the previous merge). Undefined
 * until the first result for this name; while a newer tree is merged, the previous tree's result for the same name.
 */
export function useSandwich(root: FlameNode, name: string): Merged | undefined {
  const [merged, setMerged] = useState<Merged | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    runInSlices(sandwichSliced(root, name), { signal: controller.signal }).then(
      (sandwich) => setMerged({ root, name, sandwich }),
      () => undefined // Cancelled: a newer tree or function.
    );
    return () => controller.abort();
  }, [root, name]);
  return merged?.name === name ? merged : undefined;
}

export function SandwichView({ root, name, renderGraph, onClose, width, height }: SandwichViewProps) {
  const styles = useStyles2(getStyles);
  const merged = useSandwich(root, name);
  const graphSize =
    width !== undefined && height !== undefined
      ? { width, height: Math.max(0, Math.floor((height - HEADER_HEIGHT) / 2 - LABEL_HEIGHT)) }
      : undefined;

  return (
    <div
      className={styles.container}
      style={{ width: width ?? '100%', height: height ?? '100%' }}
      role="region"
      aria-label={`Sandwich view of ${name}`}
      data-testid={SANDWICH_TEST_ID}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className={styles.header}>
        <span className={styles.title} title={name}>
          {name}
        </span>
        <span className={styles.numbers} aria-live="polite">
          {merged ? summary(merged) : 'Merging…'}
        </span>
        <IconButton name="times" aria-label="Close sandwich view" title="Close (Esc)" onClick={onClose} />
      </div>
      {merged && (
        <>
          <section className={styles.half} aria-label={`Callers of ${name}`}>
            <div className={styles.label}>Callers (merged, the function at the bottom)</div>
            <div className={styles.graph}>{renderGraph(merged.sandwich.callers, 'flame', graphSize)}</div>
          </section>
          <section className={styles.half} aria-label={`Callees of ${name}`}>
            <div className={styles.label}>Callees (merged, the function at the top)</div>
            <div className={styles.graph}>{renderGraph(merged.sandwich.callees, 'icicle', graphSize)}</div>
          </section>
        </>
      )}
    </div>
  );
}

function summary({ root, sandwich }: Merged): string {
  const share = (v: number) => formatPercent(root.value > 0 ? (100 * v) / root.value : 0);
  return (
    `total ${compactCount(sandwich.total)} samples (${share(sandwich.total)}) · ` +
    `self ${compactCount(sandwich.self)} (${share(sandwich.self)})`
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
    overflow: 'hidden',
  }),
  header: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: HEADER_HEIGHT,
    flex: '0 0 auto',
    padding: theme.spacing(0, 0.5),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  title: css({
    flex: '0 1 auto',
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    fontFamily: theme.typography.fontFamilyMonospace,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  numbers: css({
    flex: '1 1 auto',
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    fontVariantNumeric: 'tabular-nums',
  }),
  half: css({
    flex: '1 1 0',
    minHeight: 0,
    display: 'flex',
    flexDirection: 'column',
    '& + &': {
      borderTop: `1px solid ${theme.colors.border.medium}`,
    },
  }),
  label: css({
    flex: '0 0 auto',
    height: LABEL_HEIGHT,
    lineHeight: `${LABEL_HEIGHT}px`,
    padding: theme.spacing(0, 0.5),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  graph: css({
    flex: '1 1 auto',
    minHeight: 0,
    overflow: 'auto',
  }),
});
