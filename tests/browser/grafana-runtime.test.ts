/**
 * The viewer behaves as the plugin does in a real Grafana where Grafana's runtime shapes what the panel sees: its
 * stand-in runtime (src/host/runtime.ts) puts a data proxy with Grafana's timeout and empty 502/504 answers between
 * the page and the sidecar, reshapes errors as backendSrv does and never retries; the data source's own retry does.
 * In headless Chromium against real sidecar processes:
 * (a) a profile still being parsed (the sidecar answers 503 "parsing" after 200 ms): the panel shows the progress the
 *     data source reports, then the heat map, with nobody doing anything;
 * (b) the sidecar gone: the proxy's empty 502 becomes the one friendly sentence, and nothing throws;
 * (c) the proxy's timeout (0.2 s here, `?dataproxyTimeout=0.2`) shorter than the sidecar's wait for the parse: its bare
 *     504s are taken for "still parsing" and retried, and the page ends on the heat map.
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
import { ProfileFolder, steadyProfileWithBurst, writeBigProfile } from '../helpers/profile-folder';

jest.setTimeout(120_000);

/** Each profile's first sample (perf time 1000.000000) is placed at the instant in its key. */
const T0 = Date.parse('2026-11-17T09:30:00Z');
const SMALL = 'small/2026-11-17T09:30:00Z.perf';
const BIG = 'big/2026-11-17T09:30:00Z.perf';
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
