/**
 * Links out of the app: Grafana paths (made absolute under Grafana's sub-path, when it is served under one) and the
 * Explore link of a profile.
 */
import { urlUtil } from '@grafana/data';
import { config } from '@grafana/runtime';
import { DATASOURCE_TYPE } from '../constants';

/** `/explore…` → `/grafana/explore…` when Grafana is served under `/grafana`. Grafana strips it again on click. */
export function grafanaPath(path: string): string {
  return `${config.appSubUrl ?? ''}${path}`;
}

/**
 * The Explore range that shows a profile whole: its span widened to whole seconds (the heat map's columns), so the
 * last sample's column is included. Epoch ms.
 */
export function profileRange(from: number, to: number): { from: number; to: number } {
  const start = Math.floor(from / 1000) * 1000;
  return { from: start, to: Math.max(Math.floor(to / 1000) * 1000 + 1000, start + 1000) };
}

/**
 * Explore on a FlameScope data source with a flame-graph query for one profile over [from, to) epoch ms — in the URL
 * format of Grafana ≥ 10.4 (`schemaVersion=1&panes=…`), so Explore does not have to migrate it. A flame graph, not a
 * heat map: Explore draws flame-graph frames (`preferredVisualisationType: 'flamegraph'`) with its own Flame Graph
 * visualisation, and narrowing its time picker gives the flame graph of that slice; it has no renderer for heat-map
 * cells, which it would show as a bare table.
 */
export function exploreUrl(dataSourceUid: string, profileId: string, range: { from: number; to: number }): string {
  const pane = {
    datasource: dataSourceUid,
    queries: [
      {
        refId: 'A',
        datasource: { type: DATASOURCE_TYPE, uid: dataSourceUid },
        queryType: 'flamegraph',
        profiles: [profileId],
      },
    ],
    range: { from: String(range.from), to: String(range.to) },
  };
  // A pane id is 3 characters from Explore's alphabet; any other is replaced by a random one.
  return grafanaPath(urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify({ fsc: pane }) }));
}
