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
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../sidecar/testing/chromium';
import { spawnSidecar, SidecarProcess } from '../../sidecar/testing/spawn-sidecar';
import { ProfileFolder, steadyProfileWithBurst, usToSeconds } from '../helpers/profile-folder';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
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
  writeBigProfile(folder, BIG);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light', timezoneId: 'UTC' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(sidecars.map((s) => s.stop()));
  folder?.dispose();
});

/** Rebuilds lib/host when it is missing or older than the page's, the panel's or the data source's sources. */
function buildHostIfStale() {
  const built = join(ROOT, 'lib', 'host', 'index.html');
  const newest = Math.max(
    ...['src/host', 'src/panel', 'src/datasource', 'src/profile', 'src/dataframes'].map((d) =>
      newestMtime(join(ROOT, d))
    )
  );
  if (!existsSync(built) || statSync(built).mtimeMs < newest) {
    execFileSync('npm', ['run', '--silent', 'build:host'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * ~120 MB of perf script (30 000 samples, 31–61 frames each: a few seconds to parse here), written in batches so the
 * test neither holds it as one string nor takes long to make it.
 */
function writeBigProfile(profiles: ProfileFolder, key: string) {
  const path = join(profiles.root, ...key.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  const frames = Array.from(
    { length: 60 },
    (_, i) =>
      `\t    ${(0x400000 + i * 16).toString(16)} some::namespace::Function${i}<with::template::Args>::method+0x1 (/usr/bin/app)\n`
  ).reverse();
  const fd = openSync(path, 'w');
  try {
    let batch = '';
    for (let i = 0; i < BIG_SPAN_MS; i++) {
      batch += `app 100/100 [00${i % 8}] ${usToSeconds(1000_000_000 + i * 1000)}: cycles: \n`;
      batch += `\t    4ff000 leaf${i % 500}+0x1 (/usr/bin/app)\n`;
      batch += frames.slice(60 - (30 + (i % 30))).join('') + '\n';
      if (batch.length > 4 << 20) {
        writeSync(fd, batch, null, 'latin1');
        batch = '';
      }
    }
    writeSync(fd, batch, null, 'latin1');
  } finally {
    closeSync(fd);
  }
}

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
