/**
 * The viewer behaves as the plugin does in a real Grafana where Grafana's runtime shapes what the panel sees: its
 * stand-in runtime (src/host/runtime.ts) puts a data proxy with Grafana's timeout and empty 502/504 answers between
 * the page and the sidecar, reshapes errors as backendSrv does and never retries; the data source's own retry does.
 * In headless Chromium against real sidecar processes:
 * (a) a profile still being parsed (the sidecar answers 503 "parsing" after 200 ms): the panel shows the progress the
 *     data source reports, then the heat map, with nobody doing anything;
 * (b) the sidecar gone: the proxy's empty 502 becomes the one friendly sentence, and nothing throws;
 * (c) the proxy's timeout (0.2 s here, `?dataproxyTimeout=0.2`) shorter than the sidecar's wait for the parse: its bare
 *     504s are taken for "still parsing" and retried, and the page ends on the heat map;
 * (d) a panel repeated by `$host` (two copies, two hosts, one panel id as Scenes' clones have): each copy's heat map,
 *     flame graph and selection in the address are its own host's, and a reload gives each its own back;
 * (e) panel options changed as Grafana's editor changes them apply at once, over what the panel did with them (a
 *     dragged split, a flipped icicle), and the flame graph is asked again with a new node budget.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`). Builds lib/host when it is older than its
 * sources. Writes a ~120 MB profile to a temp folder (removed afterwards).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildHostIfStale } from '../helpers/host-build';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../sidecar/testing/chromium';
import { spawnSidecar, SidecarProcess } from '../../sidecar/testing/spawn-sidecar';
import {
  perfScript,
  ProfileFolder,
  steadyProfileWithBurst,
  SyntheticSample,
  usToSeconds,
  writeBigProfile,
} from '../helpers/profile-folder';
import { at, drag, eventually, FLAME_CANVAS, flamePainted, pageUrl } from '../helpers/viewer-page';

jest.setTimeout(120_000);

/** Each profile's first sample (perf time 1000.000000) is placed at the instant in its key. */
const T0 = Date.parse('2026-11-17T09:30:00Z');
const SMALL = 'small/2026-11-17T09:30:00Z.perf';
const BIG = 'big/2026-11-17T09:30:00Z.perf';
/** Two hosts of a repeated panel: api-1 with a GC burst at 3.25–3.30 s, api-2 with an I/O burst at 6.55–6.60 s. */
const API_1 = 'api-1/2026-11-17T09:30:00Z.perf';
const API_2 = 'api-2/2026-11-17T09:30:00Z.perf';
/** The big profile: 30 000 samples 1 ms apart. */
const BIG_SPAN_MS = 30_000;
const VIEWPORT = { width: 1280, height: 800 };

let folder: ProfileFolder;
let browser: Browser;
let context: BrowserContext;
const sidecars: SidecarProcess[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (as root), then run the tests again`
    );
  }
  buildHostIfStale();
  folder = new ProfileFolder();
  folder.write(SMALL, steadyProfileWithBurst().text);
  folder.write(API_1, steadyProfileWithBurst().text);
  folder.write(API_2, profileWithIoBurst());
  writeBigProfile(folder, BIG, BIG_SPAN_MS);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light', timezoneId: 'UTC' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(sidecars.map((s) => s.stop()));
  folder?.dispose();
});

async function sidecar(args: string[]): Promise<SidecarProcess> {
  const s = await spawnSidecar(['--storage', folder.url, ...args]);
  sidecars.push(s);
  return s;
}

interface Watched {
  page: Page;
  /** Uncaught errors and console errors other than failed loads (the page reports those itself). */
  problems: string[];
  /** Statuses of the heat-map requests, in order; 'aborted' for one the page (the proxy stand-in) dropped. */
  heatmaps: Array<number | string>;
}

async function openPage(base: string, path: string): Promise<Watched> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const watched: Watched = { page, problems: [], heatmaps: [] };
  page.on('pageerror', (e) => watched.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Chromium logs every failed response and refused connection; what they mean is the page's to say.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
      watched.problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('response', (r) => r.url().includes('/api/v1/heatmap') && watched.heatmaps.push(r.status()));
  page.on('requestfailed', (r) => r.url().includes('/api/v1/heatmap') && watched.heatmaps.push('aborted'));
  await page.goto(`${base}${path}`);
  return watched;
}

function viewUrl(key: string, from: number, to: number, extra = ''): string {
  return `/?profile=${encodeURIComponent(key)}&from=${from}&to=${to}${extra}`;
}

/** Waits for the heat map; fails at once, with what the page says, if a failure shows instead. */
async function heatmapDrawn(page: Page, timeout = 90_000) {
  const either = page.locator('[data-testid="flamescope-heatmap-cells"], [data-testid="flamescope-failure"]');
  await either.first().waitFor({ timeout });
  const failure = page.locator('[data-testid="flamescope-failure"]');
  if ((await failure.count()) > 0) {
    throw new Error(`the page shows a failure instead of the heat map: ${await failure.textContent()}`);
  }
}

test('(a) a profile still being parsed: the panel shows the progress, then the heat map, by itself', async () => {
  const s = await sidecar(['--parse-wait-ms', '200']);
  const { page, problems, heatmaps } = await openPage(s.url, viewUrl(BIG, T0, T0 + BIG_SPAN_MS + 1000));

  // The panel itself shows the parse, from the progress the data source reported (the sidecar's 503 "parsing").
  const progress = page.locator('[data-testid="flamescope-parse-progress"] progress');
  await progress.first().waitFor();
  expect(await progress.first().getAttribute('aria-label')).toBe(`Parsing ${BIG}`);
  const max = Number(await progress.first().getAttribute('max'));
  expect(max).toBe(statSync(join(folder.root, ...BIG.split('/'))).size);
  expect(Number(await progress.first().evaluate((p: HTMLProgressElement) => p.value))).toBeLessThanOrEqual(max);

  // Then, nobody touching anything, the heat map: the data source asked again until the profile was ready.
  await heatmapDrawn(page);
  expect(await page.locator('[data-testid="flamescope-parse-progress"]').count()).toBe(0);
  expect(heatmaps.filter((status) => status === 503).length).toBeGreaterThanOrEqual(1);
  expect(heatmaps.at(-1)).toBe(200);
  expect(await page.locator('[data-testid="flamescope-failure"]').count()).toBe(0);
  expect(problems).toEqual([]);
  await page.close();
});

test('(b) the sidecar gone: the one friendly sentence, nothing thrown', async () => {
  const s = await sidecar([]);
  const { page, problems } = await openPage(s.url, viewUrl(SMALL, T0, T0 + 11_000));
  await heatmapDrawn(page);

  await s.stop();
  // A new heat-map query (10 rows) meets the data proxy's empty 502.
  await page.getByTestId('flamescope-rows').click();
  await page.getByRole('option', { name: /^10\b/ }).click();
  const failure = page.locator('[data-testid="flamescope-failure"]');
  await failure.waitFor();
  expect(await failure.getAttribute('data-failure-kind')).toBe('unreachable');
  expect(await failure.textContent()).toMatch(
    /The FlameScope sidecar is not answering.*Is `npm start` \(flamescope serve\) still running\? Then reload\./
  );
  // No "Bad Gateway", no status code: a sentence.
  expect(await failure.textContent()).not.toMatch(/Bad Gateway|502/);
  expect(problems).toEqual([]);
  await page.close();
});

test("(c) the data proxy's timeout before the parse ends: its bare 504s are retried, and the heat map comes", async () => {
  // The sidecar would wait a minute for the parse (most of a second here): the proxy stand-in gives up after 0.2 s,
  // every time, until the profile is ready and the heat map answers (in some 20 ms).
  const s = await sidecar(['--parse-wait-ms', '60000', '--request-timeout-ms', '60000']);
  const { page, problems, heatmaps } = await openPage(
    s.url,
    viewUrl(BIG, T0, T0 + BIG_SPAN_MS + 1000, '&dataproxyTimeout=0.2')
  );
  await heatmapDrawn(page);
  // At least one request dropped by the proxy's timeout (the page saw a bare 504), then the answer.
  expect(heatmaps[0]).toBe('aborted');
  expect(heatmaps.at(-1)).toBe(200);
  expect(await page.locator('[data-testid="flamescope-failure"]').count()).toBe(0);
  expect(problems).toEqual([]);
  await page.close();
});

/** 10 s at 100 Hz from perf time 1000 s, with a burst of `io;poll` at 6.55–6.60 s on a second CPU. */
function profileWithIoBurst(): string {
  const samples: SyntheticSample[] = [];
  for (let i = 0; i < 1000; i++) {
    samples.push({ time: usToSeconds(1000_000_000 + i * 10_000), stack: ['main', 'serve', 'render'] });
  }
  for (let us = 1006_550_000; us < 1006_600_000; us += 1000) {
    samples.push({ time: usToSeconds(us), cpu: 1, stack: ['main', 'io', 'poll'] });
  }
  samples.sort((a, b) => Number(a.time) - Number(b.time));
  return perfScript(samples);
}

/** The copy of the repeated panel for a host: its section (titled "host: <value>"). */
const copyOf = (host: string) => `section[aria-label="host: ${host}"]`;

async function heatmapBoxIn(page: Page, within: string) {
  const canvas = page.locator(`${within} [data-testid="flamescope-heatmap-cells"]`);
  await canvas.waitFor();
  return (await canvas.boundingBox())!;
}

/** Types a search in one copy's flame graph and returns its count line once it is for that term. */
async function searchIn(page: Page, within: string, term: string): Promise<string> {
  await page.locator(`${within} input[aria-label="Search frames"]`).fill(term);
  const matches = `${within} [data-testid="flamescope-flamegraph-matches"]`;
  await page.waitForFunction(({ selector, t }) => document.querySelector(selector)?.getAttribute('data-search') === t, {
    selector: matches,
    t: term,
  });
  return (await page.locator(matches).textContent()) ?? '';
}

test('(d) a panel repeated by $host: each copy queries, selects and keeps in the address its own host', async () => {
  const s = await sidecar([]);
  const range = { from: T0, to: T0 + 11_000 };
  const dashboard = `/?prefix=${encodeURIComponent('$host/')}&repeat=host&var-host=api-1&var-host=api-2&from=${range.from}&to=${range.to}`;
  const { page, problems } = await openPage(s.url, dashboard);
  /** The data source's flame-graph requests: which prefix each asked for. */
  const flamePrefixes: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/flamegraph')) {
      flamePrefixes.push(new URL(r.url()).searchParams.get('prefix') ?? '');
    }
  });

  // Two copies, in the order of the variable's values, each with the heat map of its own host's profile.
  const sections = page.locator('[data-testid="flamescope-repeated-panel"]');
  await eventually(async () => (await sections.count()) === 2);
  expect(await sections.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual([
    'host: api-1',
    'host: api-2',
  ]);
  const box1 = await heatmapBoxIn(page, copyOf('api-1'));
  const box2 = await heatmapBoxIn(page, copyOf('api-2'));

  // api-2's copy: brush its I/O burst (second 6, offsets 550–600 ms).
  await drag(page, at(box2, range, T0 + 6500, 555), at(box2, range, T0 + 6500, 595));
  await flamePainted(page, undefined, copyOf('api-2'));
  expect(await searchIn(page, copyOf('api-2'), 'poll')).toMatch(/^1 match, /);
  expect(await searchIn(page, copyOf('api-2'), 'mark')).toMatch(/^0 matches, /);
  // Its drill-down asked for its own host's profiles (the scoped variable), not the dashboard's first value.
  expect(flamePrefixes.length).toBeGreaterThan(0);
  expect(new Set(flamePrefixes)).toEqual(new Set(['api-2/']));
  // Its selection is in the address under a key of its own; the other copy has none and shows no flame graph.
  let url = await pageUrl(page);
  expect(url.searchParams.get('flamescope-1-api-2')).toMatch(/^\d+~\d+$/);
  expect(url.searchParams.get('flamescope-1-api-1')).toBeNull();
  expect(await page.locator(`${copyOf('api-1')} ${FLAME_CANVAS}`).count()).toBe(0);

  // api-1's copy: brush its GC burst (second 3, offsets 250–300 ms): its own frames, and api-2 keeps its slice.
  await drag(page, at(box1, range, T0 + 3500, 255), at(box1, range, T0 + 3500, 295));
  await flamePainted(page, undefined, copyOf('api-1'));
  expect(await searchIn(page, copyOf('api-1'), 'mark')).toMatch(/^1 match, /);
  expect(await searchIn(page, copyOf('api-1'), 'poll')).toMatch(/^0 matches, /);
  expect(flamePrefixes).toContain('api-1/');
  url = await pageUrl(page);
  const own1 = url.searchParams.get('flamescope-1-api-1');
  const own2 = url.searchParams.get('flamescope-1-api-2');
  expect(own1).toMatch(/^\d+~\d+$/);
  expect(own2).toMatch(/^\d+~\d+$/);
  const [from1] = own1!.split('~').map(Number);
  const [from2] = own2!.split('~').map(Number);
  expect(from1).toBeGreaterThanOrEqual(T0 + 3200);
  expect(from1).toBeLessThan(T0 + 3300);
  expect(from2).toBeGreaterThanOrEqual(T0 + 6500);
  expect(from2).toBeLessThan(T0 + 6600);

  // The link reopens both: each copy takes its own selection back.
  await page.reload();
  await flamePainted(page, undefined, copyOf('api-1'));
  await flamePainted(page, undefined, copyOf('api-2'));
  expect(await searchIn(page, copyOf('api-1'), 'mark')).toMatch(/^1 match, /);
  expect(await searchIn(page, copyOf('api-2'), 'poll')).toMatch(/^1 match, /);
  expect(problems).toEqual([]);
  await page.close();
});

test("(e) panel options apply at once, as Grafana's editor changes them, over what the panel did with them", async () => {
  const s = await sidecar([]);
  const range = { from: T0, to: T0 + 11_000 };
  const { page, problems } = await openPage(
    s.url,
    `${viewUrl(SMALL, range.from, range.to)}&flamescope-1=${T0 + 3240}~${T0 + 3300}`
  );
  const maxNodesAsked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/flamegraph')) {
      maxNodesAsked.push(new URL(r.url()).searchParams.get('maxNodes') ?? '');
    }
  });
  await flamePainted(page);
  const flameHeight = async () => (await page.locator('[data-testid="flamescope-flamegraph"]').boundingBox())!.height;
  const icicle = () => page.getByRole('radio', { name: 'Icicle' });

  // What the panel did itself: the split dragged down (a smaller flame graph), the graph flipped to an icicle.
  const initial = await flameHeight();
  await page.getByRole('separator', { name: 'Resize the heat map and the flame graph' }).focus();
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await eventually(async () => (await flameHeight()) < initial - 40);
  await icicle().check({ force: true });
  await eventually(async () => await icicle().isChecked());

  // The editor: a larger flame-graph share, the icicle off, another node budget. Each applies at once.
  await page.getByTestId('flamescope-panel-options').click();
  const split = page.locator('#flamescope-option-split');
  await split.fill('0.8');
  await split.press('Enter');
  await split.blur();
  await eventually(async () => (await flameHeight()) > initial + 40);
  // The icicle option on (the graph already is one), then off: off wins over the flip made before either.
  const inverted = page.locator('#flamescope-option-inverted');
  await inverted.check({ force: true });
  await eventually(async () => await icicle().isChecked());
  await inverted.uncheck({ force: true });
  await eventually(async () => !(await icicle().isChecked()));
  const nodes = page.locator('#flamescope-option-max-nodes');
  await nodes.fill('700');
  await nodes.press('Enter');
  await eventually(async () => maxNodesAsked.includes('700'));
  await flamePainted(page);

  // The address keeps them: a reload opens with the same options.
  const url = await pageUrl(page);
  expect(url.searchParams.get('split')).toBe('0.8');
  expect(url.searchParams.get('maxNodes')).toBe('700');
  expect(url.searchParams.get('icicle')).toBeNull();
  expect(problems).toEqual([]);
  await page.close();
});
