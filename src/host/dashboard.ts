/**
 * The viewer's dashboard mode (`?prefix=$host/&repeat=host&var-host=a&var-host=b`): which copies of the panel to show
 * and over which time. Pure.
 */
import { ProfileEntry } from '../datasource/types';
import { fitRange, Range } from './range';
import { repeatValues, UrlState } from './url-state';

export interface Dashboard {
  /** The panel's query prefix, its variable in it (`$host/`). */
  prefix: string;
  /** The variable the panel repeats by. */
  variable: string;
  /** One copy of the panel for each. */
  values: string[];
}

/**
 * The dashboard a link asks for, or undefined. Without values in the link (`var-host`), the variable takes the top
 * folders of the catalog, as the provisioned dashboard's `host` variable does (its values: the first folder of the keys).
 */
export function dashboardOf(state: UrlState, catalog: ProfileEntry[]): Dashboard | undefined {
  if (!state.prefix || !state.repeat) {
    return undefined;
  }
  const given = repeatValues(state);
  const values = given.length > 0 ? given : topFolders(catalog);
  return { prefix: state.prefix, variable: state.repeat, values };
}

/** The prefix each copy queries: the variable replaced by its value (`$host/`, `${host}/` → `api-1/`). */
export function copyPrefix(dashboard: Dashboard, value: string): string {
  const name = dashboard.variable;
  return dashboard.prefix
    .split(`\${${name}}`)
    .join(value)
    .replace(new RegExp(`\\$${name}(?!\\w)`, 'g'), value)
    .split(`[[${name}]]`)
    .join(value);
}

/**
 * Whole seconds covering every profile under the copies' prefixes (the catalog's span of each: exact once parsed,
 * else estimated from its key and time); undefined when there is none.
 */
export function dashboardRange(dashboard: Dashboard, catalog: ProfileEntry[]): Range | undefined {
  const prefixes = dashboard.values.map((v) => copyPrefix(dashboard, v));
  const spans = catalog.filter(
    (e) =>
      e.status !== 'skipped' && e.from !== undefined && e.to !== undefined && prefixes.some((p) => e.id.startsWith(p))
  );
  if (spans.length === 0) {
    return undefined;
  }
  return fitRange(Math.min(...spans.map((s) => s.from!)), Math.max(...spans.map((s) => s.to!)));
}

function topFolders(catalog: ProfileEntry[]): string[] {
  const folders = catalog
    .filter((e) => e.status !== 'skipped' && e.id.includes('/'))
    .map((e) => e.id.slice(0, e.id.indexOf('/')));
  return [...new Set(folders)].sort();
}
