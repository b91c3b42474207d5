/**
 * `flamescope view`: a profile at a glance in the terminal — what it is, its subsecond-offset heat map (seconds
 * across, offset within the second upwards), and the hottest functions. For people; the JSON commands are for tools.
 */
import { computeFlameGraph, computeHeatmap, ProfileStore, toDisplayText } from '../../src/profile';
import { profileInfo } from './info';

const SHADES = ' .:-=+*#%@';
// White → orange → red, FlameScope's palette in 256-colour ANSI.
const COLOURS = [231, 224, 217, 210, 209, 203, 202, 196, 160, 124];

export interface ViewOptions {
  rows: number;
  color: boolean;
  width: number;
  name: string;
}

export function renderView(store: ProfileStore, options: ViewOptions): string {
  const info = profileInfo(store);
  const lines: string[] = [];
  const what = [
    info.format === 'perf-script' ? undefined : info.format,
    info.header.hostname,
    info.cpus ? `${info.cpus} CPUs` : undefined,
    info.events.map((e) => e.name).join(', ') || undefined,
  ].filter(Boolean);
  const span = info.time ? ` over ${info.time.durationSeconds.toFixed(2)} s` : '';
  lines.push(`${options.name} — ${what.join(', ')}`);
  lines.push(`${info.samples} samples${span} (${info.idleSamples} idle), ${info.uniqueStacks} unique stacks`);
  for (const w of info.warnings) {
    lines.push(`warning: ${w.message} (${w.count}×)`);
  }

  if (store.hasTimestamps && store.sampleCount > 0) {
    const heatmap = computeHeatmap(store, { rows: options.rows });
    const columns = Math.min(heatmap.columns, Math.max(10, options.width - 10));
    const stepMs = 1000 / options.rows;
    lines.push('');
    lines.push(`subsecond-offset heat map: a column per second, a row per ${stepMs} ms (bottom = start of the second)`);
    for (let row = options.rows - 1; row >= 0; row--) {
      let line = `${String(Math.round(row * stepMs)).padStart(5)}ms ▕`;
      for (let col = 0; col < columns; col++) {
        const v = heatmap.counts[col * heatmap.rows + row];
        const level = v === 0 ? 0 : Math.min(9, 1 + Math.floor((8 * v) / Math.max(1, heatmap.max)));
        line += options.color ? `\x1b[48;5;${COLOURS[level]}m \x1b[0m` : SHADES[level];
      }
      lines.push(line);
    }
    let axis = '        ';
    for (let col = 0; col < columns; col += 10) {
      axis += String(col).padEnd(10);
    }
    lines.push(axis.slice(0, 8 + columns + 4) + ' s');
    if (columns < heatmap.columns) {
      lines.push(`(first ${columns} of ${heatmap.columns} seconds shown)`);
    }
  }

  lines.push('');
  lines.push('hottest functions (self, non-idle):');
  for (const [name, self] of hottest(store, 10)) {
    const pct = ((100 * self.value) / Math.max(1, self.total)).toFixed(1).padStart(5);
    lines.push(`  ${pct}%  ${toDisplayText(name)}`);
  }
  return lines.join('\n') + '\n';
}

function hottest(store: ProfileStore, n: number): Array<[string, { value: number; total: number }]> {
  const fg = computeFlameGraph(store, {});
  const self = new Map<string, number>();
  for (let i = 0; i < fg.label.length; i++) {
    if (fg.level[i] >= 2 && fg.self[i] > 0) {
      self.set(fg.label[i], (self.get(fg.label[i]) ?? 0) + fg.self[i]);
    }
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, value]) => [name, { value, total: fg.total }]);
}
