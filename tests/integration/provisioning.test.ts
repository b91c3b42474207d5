/**
 * provisioning/ checked statically: every file parses; the data sources, the app, the dashboard and the alert rule
 * refer to plugins, data sources, panels and services that exist, with the query and option shapes the plugin reads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { PROFILE_SPEC } from '../../bench/generate-profile';
import { selectionParam, parseSelectionParam } from '../../src/panel/selection-url';
import { readJson, readText, readYaml, repoPath, sourcePlugins } from './helpers';

const plugins = sourcePlugins();
const compose = readYaml('docker-compose.yaml');
const DASHBOARD_FILE = ['provisioning', 'dashboards', 'flamescope', 'flamescope-demo.json'];
const dashboard = readJson(...DASHBOARD_FILE);
const datasources: any[] = readYaml('provisioning', 'datasources', 'flamescope.yaml').datasources;
const alerting = readYaml('provisioning', 'alerting', 'flamescope-demo.yaml');
const rule = alerting.groups[0].rules[0];
const panelById = (id: number) => dashboard.panels.find((p: any) => p.id === id);
const flamescopePanel = dashboard.panels.find((p: any) => p.type === plugins.panel.id);
const timeSeries = dashboard.panels.find((p: any) => p.type === 'timeseries');

const QUERY_TYPES = ['heatmap', 'flamegraph', 'profiles', 'annotations'];
const QUERY_KEYS = [
  'refId',
  'datasource',
  'hide',
  'queryType',
  'profiles',
  'prefix',
  'rows',
  'idle',
  'weight',
  'event',
  'cpu',
  'pid',
  'tid',
  'comm',
  'maxNodes',
  'maxColumns',
  'from',
  'to',
  'baseline',
  'baselineFrom',
  'baselineTo',
  'baselineProfile',
];
const PANEL_OPTIONS = ['palette', 'split', 'inverted', 'maxNodes', 'selection', 'search'];
const DEMO_FROM = Date.parse('2026-11-17T09:30:00Z');
const DEMO_TO = Date.parse('2026-11-17T09:30:40Z');

function yamlFiles(dir: string): string[] {
  return readdirSync(repoPath(dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(`${dir}/${e.name}`) : /\.ya?ml$/.test(e.name) ? [`${dir}/${e.name}`] : []
  );
}

function datasourceByUid(uid: string) {
  return datasources.find((d) => d.uid === uid);
}

/** $var, ${var} and ${var:format} names used in a string (Grafana's own variables, __*, excluded). */
function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$(?:\{([A-Za-z0-9_]+)(?::[^}]*)?\}|([A-Za-z0-9_]+))/g)]
    .map((m) => m[1] ?? m[2])
    .filter((name) => !name.startsWith('__'));
}

/** Grafana's variable regex: /pattern/flags, the first capture group is the value. */
function applyVariableRegex(regex: string, value: string): string | undefined {
  const m = /^\/(.*)\/([gimsuy]*)$/.exec(regex);
  expect(m).not.toBeNull();
  const match = new RegExp(m![1], m![2]).exec(value);
  return match ? (match[1] ?? match[0]) : undefined;
}

function demoCsv(): string {
  return execFileSync('node', [repoPath('scripts', 'demo-latency.mjs')], { encoding: 'utf8' }).trimEnd();
}

describe('provisioning/', () => {
  it('parses: every YAML file, with apiVersion 1', () => {
    const files = yamlFiles('provisioning');
    expect(files.sort()).toEqual([
      'provisioning/alerting/flamescope-demo.yaml',
      'provisioning/dashboards/flamescope.yaml',
      'provisioning/datasources/flamescope.yaml',
      'provisioning/plugins/apps.yaml',
    ]);
    for (const file of files) {
      expect([file, readYaml(file).apiVersion]).toEqual([file, 1]);
    }
  });

  it('enables the app', () => {
    const { apps } = readYaml('provisioning', 'plugins', 'apps.yaml');
    expect(apps).toEqual([{ type: plugins.app.id, org_id: 1, disabled: false }]);
  });

  it('provisions the FlameScope data source at the sidecar service, with the token from the environment', () => {
    const fs = datasources.find((d) => d.type === plugins.datasource.id);
    expect(fs.uid).toBe('flamescope');
    expect(fs.access).toBe('proxy');
    const url = new URL(fs.jsonData.sidecarUrl);
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(compose.services[url.hostname].environment.FLAMESCOPE_PORT).toBe(url.port);
    expect(fs.secureJsonData).toEqual({ apiToken: '${FLAMESCOPE_TOKEN}' });
    expect(Object.keys(compose.services.grafana.environment)).toContain('FLAMESCOPE_TOKEN');
    // The plugin's data-proxy route reads exactly these settings.
    const route = plugins.datasource.routes.find((r: any) => r.path === 'sidecar');
    expect(route.url).toBe('{{ .JsonData.sidecarUrl }}');
    expect(route.headers[0].content).toBe('Bearer {{ .SecureJsonData.apiToken }}');
    expect(Object.keys(fs.jsonData).sort()).toEqual(['defaultIdle', 'defaultRows', 'sidecarUrl']);
  });

  it('provisions TestData for the demo latency series', () => {
    expect(datasourceByUid('testdata').type).toBe('grafana-testdata-datasource');
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
  });

  it('loads the dashboard folder that holds the dashboard', () => {
    const [provider] = readYaml('provisioning', 'dashboards', 'flamescope.yaml').providers;
    expect(provider.type).toBe('file');
    expect(provider.folder).toBe(alerting.groups[0].folder);
    const local = provider.options.path.replace('/etc/grafana/provisioning/', 'provisioning/');
    expect(readdirSync(repoPath(local))).toEqual([DASHBOARD_FILE[3]]);
  });
});

describe('the dashboard', () => {
  it('uses only plugins and data sources that exist', () => {
    const known = ['timeseries', 'table', 'text', plugins.panel.id];
    for (const panel of dashboard.panels) {
      expect(known).toContain(panel.type);
      const refs = [panel.datasource, ...panel.targets.map((t: any) => t.datasource)];
      for (const ref of refs) {
        expect(datasourceByUid(ref.uid)?.type).toBe(ref.type);
      }
    }
    expect(new Set(dashboard.panels.map((p: any) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('puts the latency time series above the FlameScope panel, with shared crosshair and time', () => {
    expect(timeSeries.gridPos.y + timeSeries.gridPos.h).toBeLessThanOrEqual(flamescopePanel.gridPos.y);
    expect(timeSeries.gridPos.x).toBe(flamescopePanel.gridPos.x);
    expect(timeSeries.gridPos.w).toBe(flamescopePanel.gridPos.w);
    expect(dashboard.graphTooltip).toBeGreaterThanOrEqual(1);
    for (const panel of [timeSeries, flamescopePanel]) {
      expect(panel.timeFrom).toBeUndefined();
      expect(panel.timeShift).toBeUndefined();
    }
  });

  it('opens on the demo profile: an absolute range covering 09:30:00–09:30:40 UTC', () => {
    const from = Date.parse(dashboard.time.from);
    const to = Date.parse(dashboard.time.to);
    expect(from).toBeLessThanOrEqual(DEMO_FROM);
    expect(to).toBeGreaterThanOrEqual(DEMO_TO);
    expect(to - from).toBeLessThan(5 * 60_000);
    expect(existsSync(repoPath('profiles', 'checkout-api', '2026-11-17T09:30:00Z.perf.gz'))).toBe(true);
  });

  it('queries the FlameScope panel as the plugin expects, with the panel options it has', () => {
    const [target] = flamescopePanel.targets;
    expect(target.queryType).toBe('heatmap');
    for (const key of Object.keys(target)) {
      expect(QUERY_KEYS).toContain(key);
    }
    expect(target.prefix).toBe('$host/');
    expect(flamescopePanel.options).toEqual({ palette: 'flamescope', split: 0.55, inverted: false, maxNodes: 5000 });
    for (const key of Object.keys(flamescopePanel.options)) {
      expect(PANEL_OPTIONS).toContain(key);
    }
    for (const panel of dashboard.panels.filter((p: any) => p.datasource.uid === 'flamescope')) {
      for (const t of panel.targets) {
        expect(QUERY_TYPES).toContain(t.queryType);
      }
    }
  });

  it('has a host variable from the FlameScope data source: the first folder of the keys', () => {
    const names = dashboard.templating.list.map((v: any) => v.name);
    const host = dashboard.templating.list.find((v: any) => v.name === 'host');
    expect(host.type).toBe('query');
    expect(host.datasource).toEqual({ type: plugins.datasource.id, uid: 'flamescope' });
    expect(['profiles', 'hosts', 'prefixes']).toContain(host.query.kind);
    expect(host.query.kind).toBe('prefixes');
    expect(typeof host.query.refId).toBe('string');
    // The data source answers "checkout-api/" and "flamegraph/" for the bundled profiles; the regex keeps the name.
    expect(applyVariableRegex(host.regex, 'checkout-api/')).toBe('checkout-api');
    expect(applyVariableRegex(host.regex, 'flamegraph/')).toBe('flamegraph');
    expect(applyVariableRegex(host.regex, 'a/b')).toBeUndefined();
    expect(existsSync(repoPath('profiles', host.current.value))).toBe(true);
    // Every $variable used anywhere in the dashboard is defined.
    for (const name of variablesIn(JSON.stringify(dashboard))) {
      expect(names).toContain(name);
    }
  });

  it('annotates the capture windows of the profiles of $host, from the FlameScope data source', () => {
    const captures = dashboard.annotations.list.find((a: any) => a.datasource?.uid === 'flamescope');
    expect(captures.enable).toBe(true);
    expect(captures.datasource.type).toBe(plugins.datasource.id);
    expect(captures.target).toEqual({ refId: 'Anno', queryType: 'annotations', prefix: '$host/' });
    expect(plugins.datasource.annotations).toBe(true);
    // Alert state annotations stay on (the built-in Grafana annotation).
    expect(dashboard.annotations.list.some((a: any) => a.builtIn === 1 && a.enable)).toBe(true);
  });

  it('links from a point of the time series to this dashboard at that moment, for the same host', () => {
    const links: any[] = timeSeries.fieldConfig.defaults.links;
    expect(links.length).toBeGreaterThanOrEqual(1);
    for (const link of links) {
      const url: string = link.url;
      expect(url.startsWith(`/d/${dashboard.uid}/`)).toBe(true);
      expect(url).toContain('${__value.time}');
      expect(url).toContain('${host:queryparam}');
      // Grafana's data links do no arithmetic: the window around the click is time + time.window (ms).
      expect(url).toMatch(/[?&]time=\$\{__value\.time\}&time\.window=\d+(&|$)/);
      expect(url).not.toMatch(/\}\s*[-+]\s*\d/);
    }
  });

  it("plots the demo's latency: the CSV of scripts/demo-latency.mjs, spiking in the profile's GC bursts", () => {
    const [target] = timeSeries.targets;
    expect(target.scenarioId).toBe('csv_content');
    expect(target.csvContent).toBe(demoCsv());
    const rows = target.csvContent
      .split('\n')
      .slice(1)
      .map((line: string) => line.split(',').map(Number));
    expect(rows[0][0]).toBeLessThanOrEqual(DEMO_FROM);
    // The GC windows of the demo profile's generator (bench/generate-profile.ts), on the wall clock.
    const windows: Array<{ from: number; to: number; mixed: boolean }> = [];
    for (let i = 0, t = PROFILE_SPEC.gcFirstSec; t < 40; i++, t += PROFILE_SPEC.gcEverySec) {
      const length = i % 5 === 4 ? 0.9 : 0.26 + 0.06 * (i % 3);
      windows.push({ from: DEMO_FROM + t * 1000, to: DEMO_FROM + (t + length) * 1000, mixed: i % 5 === 4 });
    }
    const step = rows[1][0] - rows[0][0];
    const overlaps = (time: number, w: { from: number; to: number }) => time < w.to && time + step > w.from;
    for (const w of windows) {
      const peak = Math.max(...rows.filter(([time]: number[]) => overlaps(time, w)).map((r: number[]) => r[1]));
      expect(peak).toBeGreaterThan(w.mixed ? 250 : 100);
    }
    for (const [time, p99] of rows) {
      if (!windows.some((w) => overlaps(time, w))) {
        expect(p99).toBeLessThan(100);
      }
      if (p99 > 250) {
        expect(windows.some((w) => w.mixed && overlaps(time, w))).toBe(true);
      }
    }
  });
});

describe('the alert rule', () => {
  it("points at the dashboard's FlameScope panel, so {{ .PanelURL }} opens it at the alert's time", () => {
    expect(rule.annotations.__dashboardUid__).toBe(dashboard.uid);
    expect(rule.annotations.__panelId__).toBe(String(flamescopePanel.id));
    expect(panelById(Number(rule.annotations.__panelId__)).type).toBe(plugins.panel.id);
    // The notification template reads the panel id from a public annotation (it cannot see __panelId__).
    expect(rule.annotations.flamescope_panel_id).toBe(rule.annotations.__panelId__);
  });

  it('is a valid rule: its query, reduce and threshold chain ends in the condition', () => {
    expect(rule.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    const refIds = rule.data.map((d: any) => d.refId);
    expect(refIds).toContain(rule.condition);
    const [query, reduce, threshold] = rule.data;
    expect(datasourceByUid(query.datasourceUid)).toBeDefined();
    expect(query.relativeTimeRange.from).toBeGreaterThan(0);
    expect(reduce.model).toMatchObject({ type: 'reduce', expression: query.refId });
    expect(threshold.model).toMatchObject({ type: 'threshold', expression: reduce.refId });
    expect(threshold.refId).toBe(rule.condition);
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(alerting.groups[0].interval).toMatch(/^\d+[smh]$/);
  });

  it('fires on the demo latency, and labels the alert with the host the dashboard variable takes', () => {
    const csv: string = rule.data[0].model.csvContent;
    expect(csv).toBe(demoCsv());
    const threshold = rule.data[2].model.conditions[0].evaluator;
    expect(threshold.type).toBe('gt');
    const max = Math.max(
      ...csv
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[1]))
    );
    expect(max).toBeGreaterThan(threshold.params[0]);
    // TestData reads labels from the CSV header: p99{host=checkout-api} → the alert's host label.
    const host = /\{host=([^},]+)\}/.exec(csv.split('\n')[0])![1];
    expect(existsSync(repoPath('profiles', host))).toBe(true);
  });

  it('keeps $ out of the fields Grafana interpolates from the environment (labels, the template)', () => {
    expect(JSON.stringify(rule.labels)).not.toContain('$');
    for (const template of alerting.templates) {
      expect(template.template).not.toContain('$');
    }
    expect(JSON.stringify(rule.data)).not.toContain('$');
  });

  it('keeps ${ out of the annotations (Grafana replaces braced ${VAR} there from its environment)', () => {
    const annotations = Object.values(rule.annotations).join('\n');
    expect(annotations).toContain('{{ $labels.host }}'); // the unbraced $ of Go templates is left alone
    expect(annotations).not.toMatch(/\$\{/);
  });

  it('says what Grafana interpolates, without claiming annotations are never interpolated', () => {
    for (const text of [
      readText('provisioning', 'alerting', 'flamescope-demo.yaml'),
      readText('provisioning', 'README.md'),
    ]) {
      expect(text).not.toMatch(/never in annotations|not in annotations/);
      expect(text).toMatch(/braced `?\$\{VAR\}`? in (alert )?annotations/);
    }
  });

  it('provides a notification template: the panel URL plus the host variable and the FlameScope selection', () => {
    const { template } = alerting.templates[0];
    expect(template).toContain('{{ define "flamescope.link" }}{{ .PanelURL }}');
    expect(template).toContain('&var-host={{ urlquery .Labels.host }}');
    // flamescope-<panel id>=<from ms>~<to ms>: the parameter the panel reads (src/panel/selection-url.ts).
    expect(template).toContain('&flamescope-{{ .Annotations.flamescope_panel_id }}=');
    expect(selectionParam(rule.annotations.flamescope_panel_id)).toBe(`flamescope-${flamescopePanel.id}`);
    const selection = /=\{\{ \(\.StartsAt\.Add (-\d+)\)\.UnixMilli \}\}~\{\{ \.StartsAt\.UnixMilli \}\}/.exec(template);
    expect(selection).not.toBeNull();
    // The selection is the rule's query range before the alert started (nanoseconds in the template).
    expect(-Number(selection![1]) / 1e9).toBe(rule.data[0].relativeTimeRange.from);
    const startsAt = Date.parse('2026-11-17T09:31:00Z');
    expect(parseSelectionParam(`${startsAt + Number(selection![1]) / 1e6}~${startsAt}`)).toEqual({
      fromMs: startsAt - 600_000,
      toMs: startsAt,
    });
    expect(template).toContain('{{ define "flamescope.message" }}');
    expect(readText('provisioning', 'alerting', 'flamescope-demo.yaml')).toContain(
      '{{ template "flamescope.message" . }}'
    );
  });
});
