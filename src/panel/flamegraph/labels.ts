/**
 * The words and numbers about a frame (tooltip, screen-reader announcement, the SVG's <title>s), formatted once per
 * hovered frame, never per drawn frame.
 */
import { FlameNode } from '../model';

export interface Totals {
  /** The root's value (baseline + selection in a differential graph). */
  total: number;
  /** The root's selection (valueRight); 0 unless differential. */
  totalRight: number;
  diff: boolean;
}

export function totalsOf(root: FlameNode, diff: boolean): Totals {
  return { total: root.value, totalRight: root.valueRight ?? 0, diff: diff && root.valueRight !== undefined };
}

/** A frame's details as lines: name; samples and share; in differential graphs, selection and baseline. */
export function frameDetails(node: Pick<FlameNode, 'name' | 'value' | 'valueRight'>, totals: Totals): string[] {
  const lines = [node.name, `${formatCount(node.value)} samples (${formatPercent((100 * node.value) / totals.total)})`];
  if (totals.diff && node.valueRight !== undefined) {
    const base = node.value - node.valueRight;
    const totalBase = totals.total - totals.totalRight;
    lines.push(
      `selection ${formatCount(node.valueRight)} (${formatPercent((100 * node.valueRight) / totals.totalRight)}), ` +
        `baseline ${formatCount(base)} (${formatPercent((100 * base) / totalBase)})`
    );
  }
  return lines;
}

export function formatCount(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) {
    return '–';
  }
  return `${p.toFixed(p !== 0 && Math.abs(p) < 0.1 ? 3 : 2)}%`;
}

export function matchesText(count: number, percent: number): string {
  return `${count} ${count === 1 ? 'match' : 'matches'}, ${formatPercent(percent)} of samples`;
}
