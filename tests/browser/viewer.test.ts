/**
 * The viewer page (`npm start` → http://127.0.0.1:8686/) in real headless Chromium, against a real sidecar process
 * over a temp folder of profiles: it opens where the address says (or on the catalog's first profile), draws the heat
 * map where the samples are, selects by dragging, shows that slice's flame graph on its canvas (pixels where the frames
 * are, search highlight, click and keyboard zoom, downloads, HiDPI), renders in both themes, and opens a dropped file in
 * the browser with the same engine.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`). Builds lib/host when it is older than its
 * sources. With UPDATE_SCREENSHOTS=1 it also saves src/img/screenshot-light.png and -dark.png for the plugin catalog,
 * and screenshot-zoomed.png (two seconds across the page) for the README.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildHostIfStale } from '../helpers/host-build';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../sidecar/testing/chromium';
import { spawnSidecar, SidecarProcess } from '../../sidecar/testing/spawn-sidecar';
import { ProfileFolder, steadyProfileWithBurst } from '../helpers/profile-folder';
import { at, drag, eventually, FLAME_CANVAS, flamePainted, pageUrl } from '../helpers/viewer-page';

jest.setTimeout(30_000);

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = CHROMIUM_PATH;
const KEY = 'svc/2026-11-17T09:30:00Z.perf';
/** The profile's first sample (perf time 1000.000000) is placed at the instant in its key. */
const T0 = Date.parse('2026-11-17T09:30:00Z');
const DEMO_KEY = 'checkout-api/2026-11-17T09:30:00Z.perf.gz';
const VIEWPORT = { width: 1280, height: 800 };

/**
 * The 10-s, 100 Hz profile with its `gc;mark` burst at 3.25–3.30 s, less the samples in 6.50–6.60 s: the cells of
 * second 6 at offsets 500–600 ms are covered but empty.
 */
function profileWithGap(): string {
  const { text } = steadyProfileWithBurst();
  return text
    .split('\n\n')
    .filter((block) => {
      const m = /\s(\d+\.\d+):/.exec(block);
      const t = m ? Number(m[1]) : NaN;
      return !(t >= 1006.5 && t < 1006.6);
    })
    .join('\n\n');
}

let folder: ProfileFolder;
let sidecar: SidecarProcess;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (as root), then run the tests again`
    );
  }
  buildHostIfStale();
  folder = new ProfileFolder();
  folder.write(KEY, profileWithGap());
  // The bundled demo profile, for the catalog screenshots.
  copyFileSync(join(ROOT, 'profiles', ...DEMO_KEY.split('/')), join(folder.root, 'demo.perf.gz'));
  folder.write(DEMO_KEY, readFileSync(join(folder.root, 'demo.perf.gz')));
  folder.remove('demo.perf.gz');
  folder.write('svc/README.md', '# not a profile\n');
  sidecar = await spawnSidecar(['--storage', folder.url]);
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: VIEWPORT,
    colorScheme: 'light',
    acceptDownloads: true,
    timezoneId: 'UTC',
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  folder?.dispose();
});

afterEach(() => {
  // Every request the page made was answered (no 404 icon or font), and nothing threw.
  const seen = problems.splice(0);
  expect(seen).toEqual([]);
});

async function openPage(path: string, ctx: BrowserContext = context): Promise<Page> {
  const page = await ctx.newPage();
  // Fail on the step that is stuck, well within the test's timeout.
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A range that misses the profile is a 416 the page explains; Chromium logs every failed response too.
    if (m.type() === 'error' && !/status of 416/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().includes('/api/v1/heatmap')) {
      problems.push(`${r.status()} ${r.url()}`);
    }
  });
  await page.goto(`${sidecar.url}${path}`);
  return page;
}

function viewUrl(key: string, from: number, to: number): string {
  return `/?profile=${encodeURIComponent(key)}&from=${from}&to=${to}`;
}

/** The heat map's cells canvas, once it has drawn: its box on the page. */
async function heatmapBox(page: Page) {
  const canvas = page.locator('[data-testid="flamescope-heatmap-cells"]');
  await canvas.waitFor();
  const box = (await canvas.boundingBox())!;
  expect(box.width).toBeGreaterThan(200);
  return box;
}

/** The colour drawn at a point of the cells canvas, as [r, g, b]. */
async function pixel(page: Page, point: { x: number; y: number }): Promise<number[]> {
  return page.evaluate(({ x, y }) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="flamescope-heatmap-cells"]')!;
    const rect = canvas.getBoundingClientRect();
    const sx = canvas.width / rect.width;
    const sy = canvas.height / rect.height;
    const d = canvas
      .getContext('2d')!
      .getImageData(Math.floor((x - rect.left) * sx), Math.floor((y - rect.top) * sy), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, point);
}

async function waitForPixel(
  page: Page,
  point: { x: number; y: number },
  test: (rgb: number[]) => boolean
): Promise<number[]> {
  let rgb: number[] = [];
  for (let i = 0; i < 50; i++) {
    rgb = await pixel(page, point);
    if (test(rgb)) {
      return rgb;
    }
    await page.waitForTimeout(100);
  }
  return rgb;
}

const isRed = ([r, g, b]: number[]) => r > 200 && g < 100 && b < 100;

/** The panel's selection in the address (`flamescope-<panel id>=<from>~<to>`) becomes [from, to). */
async function expectSelection(page: Page, from: number, to: number): Promise<void> {
  const want = `${from}~${to}`;
  await page
    .waitForFunction((w) => new URL(location.href).searchParams.get('flamescope-1') === w, want, { timeout: 3000 })
    .catch(() => undefined);
  expect((await pageUrl(page)).searchParams.get('flamescope-1')).toBe(want);
}

/** Search matches are filled with this (colors.ts HIGHLIGHT_COLOR). */
const MAGENTA = [238, 90, 238];

interface FlamePixels {
  /** The canvas's box on the page and its backing store's size. */
  box: { x: number; y: number; width: number; height: number };
  width: number;
  height: number;
  /** Search-highlighted pixels, and the page position of the middle of the first highlighted row's run. */
  highlighted: number;
  firstHighlight?: { x: number; y: number };
}

/** Reads the flame graph's canvas back: its sizes and where the search highlight is. */
async function flamePixels(page: Page): Promise<FlamePixels> {
  return page.evaluate(
    ({ selector, magenta }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
      const rect = canvas.getBoundingClientRect();
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let highlighted = 0;
      let first: { x: number; y: number } | undefined;
      for (let y = 0; y < canvas.height; y++) {
        let runStart = -1;
        for (let x = 0; x <= canvas.width; x++) {
          const o = (y * canvas.width + x) * 4;
          const hit =
            x < canvas.width && data[o] === magenta[0] && data[o + 1] === magenta[1] && data[o + 2] === magenta[2];
          if (hit) {
            highlighted++;
            if (runStart < 0) {
              runStart = x;
            }
          } else if (runStart >= 0) {
            if (!first && x - runStart >= 4) {
              const sx = rect.width / canvas.width;
              first = { x: rect.left + ((runStart + x) / 2) * sx, y: rect.top + (y + 4) * sx };
            }
            runStart = -1;
          }
        }
      }
      return {
        box: { x: rect.left, y: rect.top, width: rect.width, height: rect.height },
        width: canvas.width,
        height: canvas.height,
        highlighted,
        firstHighlight: first,
      };
    },
    { selector: FLAME_CANVAS, magenta: MAGENTA }
  );
}

/** The colour of the flame graph's canvas at a point of the page, as [r, g, b]. */
async function flamePixel(page: Page, point: { x: number; y: number }): Promise<number[]> {
  return page.evaluate(
    ({ selector, x, y }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
      const rect = canvas.getBoundingClientRect();
      const s = canvas.width / rect.width;
      const d = canvas
        .getContext('2d')!
        .getImageData(Math.floor((x - rect.left) * s), Math.floor((y - rect.top) * s), 1, 1).data;
      return [d[0], d[1], d[2]];
    },
    { selector: FLAME_CANVAS, ...point }
  );
}

/** Types a search and returns its count line once it is for that term ("N matches, x % of samples"). */
async function searchFlame(page: Page, term: string): Promise<string> {
  await page.getByLabel('Search frames').fill(term);
  const matches = page.getByTestId('flamescope-flamegraph-matches');
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="flamescope-flamegraph-matches"]')?.getAttribute('data-search') === t,
    term
  );
  return (await matches.textContent()) ?? '';
}

async function textMatches(page: Page, selector: string, pattern: RegExp): Promise<void> {
  await eventually(
    async () =>
      pattern.test(
        (await page
          .locator(selector)
          .textContent()
          .catch(() => '')) ?? ''
      ),
    10_000
  );
}

const RANGE = { from: T0, to: T0 + 10_000 };

describe('the viewer page', () => {
  test('opens on the profile and range in the address and draws the heat map where the samples are', async () => {
    const page = await openPage(viewUrl(KEY, RANGE.from, RANGE.to));
    const box = await heatmapBox(page);
    // The burst (3.25–3.30 s: 22 samples a cell at 50 rows, the maximum) is FlameScope's darkest red.
    const burst = await waitForPixel(page, at(box, RANGE, T0 + 3500, 270), isRed);
    expect(isRed(burst)).toBe(true);
    // Second 6 at 500–600 ms: covered by the profile, no samples: the background (white in the light theme).
    expect(await pixel(page, at(box, RANGE, T0 + 6500, 550))).toEqual([255, 255, 255]);
    // Elsewhere 2 samples a cell: a light shade, neither empty nor the burst's red.
    const steady = await pixel(page, at(box, RANGE, T0 + 8500, 750));
    expect(steady).not.toEqual([255, 255, 255]);
    expect(isRed(steady)).toBe(false);

    const url = await pageUrl(page);
    expect(url.searchParams.get('profile')).toBe(KEY);
    expect(url.searchParams.get('from')).toBe(String(RANGE.from));
    expect(url.searchParams.get('to')).toBe(String(RANGE.to));
    await expect(page.locator('[data-testid="flamescope-facts"]').textContent()).resolves.toMatch(
      /1,040 samples · 10 s/
    );
    await page.close();
  });

  test("without an address, opens on the catalog's first profile over its whole span", async () => {
    const page = await openPage('/');
    await page.waitForFunction(() => new URL(location.href).searchParams.has('from'));
    const url = await pageUrl(page);
    // checkout-api/ sorts before svc/; its 40 s were not parsed yet, so the page had the sidecar parse it.
    expect(url.searchParams.get('profile')).toBe(DEMO_KEY);
    expect(url.searchParams.get('from')).toBe(String(T0));
    expect(url.searchParams.get('to')).toBe(String(T0 + 40_000));
    await heatmapBox(page);
    // Skipped objects are not offered; the rest are, with host, samples and status.
    await page.locator('[data-testid="flamescope-profile-picker"]').click();
    const options = page.getByRole('option');
    await expect(options.first().waitFor()).resolves.toBeUndefined();
    const texts = await options.allTextContents();
    expect(texts.some((t) => t.includes(KEY))).toBe(true);
    expect(texts.some((t) => t.includes('README'))).toBe(false);
    expect(texts.find((t) => t.includes(DEMO_KEY))).toMatch(/checkout-api-7f9c · 15,680 samples · ready/);
    // Choosing another profile shows it over its span.
    await options.filter({ hasText: KEY }).click();
    await page.waitForFunction((key) => new URL(location.href).searchParams.get('profile') === key, KEY);
    await page.waitForFunction((to) => new URL(location.href).searchParams.get('to') === String(to), T0 + 10_000);
    await page.close();
  });

  test('rows and colours follow their controls, and the address keeps them', async () => {
    const page = await openPage(viewUrl(KEY, RANGE.from, RANGE.to));
    const box = await heatmapBox(page);
    const steadyCell = at(box, RANGE, T0 + 8500, 750);
    await waitForPixel(page, at(box, RANGE, T0 + 3500, 270), isRed);
    const flamescope = await pixel(page, steadyCell);

    await page.getByTestId('flamescope-rows').click();
    await page.getByRole('option', { name: /^10\b/ }).click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('rows') === '10');
    // 10 rows: the burst is in row 2 (200–300 ms) with 10 steady samples a cell around it, so it is no longer alone.
    expect(isRed(await waitForPixel(page, at(box, RANGE, T0 + 3500, 250), isRed))).toBe(true);

    await page.getByRole('radio', { name: 'Enhanced' }).click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('palette') === 'enhanced');
    await page.getByTestId('flamescope-rows').click();
    await page.getByRole('option', { name: /^50\b/ }).click();
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('rows'));
    // Enhanced: light load (2 samples) is blue-ish rather than FlameScope's pale red.
    const enhanced = await waitForPixel(page, steadyCell, (rgb) => rgb.join() !== flamescope.join());
    expect(enhanced[2]).toBeGreaterThan(enhanced[1]);
    await page.close();
  });

  test('zoomed to two seconds, the axis labels whole seconds, and a horizontal drag selects what it says', async () => {
    const range = { from: T0 + 3000, to: T0 + 5000 };
    const page = await openPage(viewUrl(KEY, range.from, range.to));
    const box = await heatmapBox(page);
    // Each column is ~600 px: no 09:30:03.100 ticks promising a precision the x axis does not have, and a note.
    const labels = await page.locator('[data-testid="flamescope-heatmap-xaxis"] span').allTextContents();
    expect(labels).toEqual(['09:30:03', '09:30:04', '09:30:05']);
    await expect(page.getByTestId('flamescope-heatmap').textContent()).resolves.toMatch(/each column is one second/);
    // From the 09:30:03 tick to the 09:30:04 tick, halfway up: the second from 03.500 to 04.520 (the end cell's end).
    await drag(page, at(box, range, T0 + 3005, 505), at(box, range, T0 + 4005, 505));
    await expectSelection(page, T0 + 3500, T0 + 4520);
    await expect(page.getByTestId('flamescope-selection').textContent()).resolves.toBe(
      '09:30:03.500 – 09:30:04.520 (1.02 s)'
    );
    await flamePainted(page);
    // For the README: what the zoomed axis looks like (refreshed with UPDATE_SCREENSHOTS=1, as the catalog's).
    const dir = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'src', 'img') : tmpdir();
    await page.screenshot({ path: join(dir, 'screenshot-zoomed.png') });
    await page.close();
  });

  test('at 900 px the header keeps two rows and the rows picker reads whole', async () => {
    const narrow = await browser.newContext({ viewport: { width: 900, height: 900 }, timezoneId: 'UTC' });
    const page = await openPage(viewUrl(KEY, RANGE.from, RANGE.to), narrow);
    await heatmapBox(page);
    const header = (await page.locator('header').boundingBox())!;
    expect(header.height).toBeLessThanOrEqual(100); // two rows of 32-px controls with their padding
    await page.getByTestId('flamescope-rows').click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    // No option's text is cut (an ellipsis leaves its element narrower than its content).
    const cut = await options.evaluateAll(
      (els) =>
        els.filter((el) => [el, ...Array.from(el.querySelectorAll('*'))].some((e) => e.scrollWidth > e.clientWidth + 1))
          .length
    );
    expect(cut).toBe(0);
    expect(await options.allTextContents()).toContain('50 · 20 ms');
    await narrow.close();
  });

  test('a range outside the profile says so, and Fit to profile brings it back', async () => {
    const page = await openPage(viewUrl(KEY, T0 - 3_600_000, T0 - 3_000_000));
    const failure = page.locator('[data-testid="flamescope-failure"]');
    await failure.waitFor();
    expect(await failure.textContent()).toMatch(/Nothing in this time range.*misses the profile/);
    await failure.getByRole('button', { name: 'Fit to profile' }).click();
    await heatmapBox(page);
    await page.waitForFunction((to) => new URL(location.href).searchParams.get('to') === String(to), T0 + 10_000);
    await page.close();
  });

  test("dragging across the burst selects it; the flame graph shows that slice's frames; search, zoom, downloads", async () => {
    const page = await openPage(viewUrl(KEY, RANGE.from, RANGE.to));
    let box = await heatmapBox(page);
    await waitForPixel(page, at(box, RANGE, T0 + 3500, 270), isRed);

    // A slice without the burst first: second 5, offsets 200–400 ms: all, app, main, serve, parse, render.
    await drag(page, at(box, RANGE, T0 + 5500, 205), at(box, RANGE, T0 + 5500, 395));
    await expectSelection(page, T0 + 5200, T0 + 5400);
    await flamePainted(page, 6);
    expect(await searchFlame(page, 'render')).toMatch(/^1 match, /);
    expect(await searchFlame(page, 'gc')).toMatch(/^0 matches, /);
    await page.getByLabel('Search frames').fill('');

    // The burst: second 3, offsets 240–300 ms (rows 12–14 of 50). Two more frames: gc and mark.
    box = await heatmapBox(page);
    await drag(page, at(box, RANGE, T0 + 3500, 255), at(box, RANGE, T0 + 3500, 295));
    await expectSelection(page, T0 + 3240, T0 + 3300);
    await expect(page.locator('[data-testid="flamescope-selection"]').textContent()).resolves.toMatch(
      /09:30:03\.240.*09:30:03\.300/
    );
    await flamePainted(page, 8);

    // Pixels where the frames are: a flame's root ("all", light grey in either theme) is the bottom row, across the
    // whole width; above the graph's 5 levels is the background (white in the light theme).
    let pixels = await flamePixels(page);
    const { box: graph } = pixels;
    expect(graph.width).toBeGreaterThan(600);
    const rowY = (level: number) => graph.y + graph.height - 18 * level - 9;
    expect(await flamePixel(page, { x: graph.x + 20, y: rowY(0) })).toEqual([225, 225, 230]);
    expect(await flamePixel(page, { x: graph.x + graph.width - 20, y: rowY(0) })).toEqual([225, 225, 230]);
    expect(await flamePixel(page, { x: graph.x + graph.width / 2, y: rowY(7) })).toEqual([255, 255, 255]);
    expect(pixels.highlighted).toBe(0);

    // Search: the matching frames are counted and painted magenta.
    expect(await searchFlame(page, 'mark')).toMatch(/^1 match, \d+\.\d+% of samples/);
    await eventually(async () => (await flamePixels(page)).highlighted > 0);
    pixels = await flamePixels(page);
    const mark = pixels.firstHighlight!;
    // mark is level 4 (all, app, main, gc, mark), and narrower than the graph (serve is beside gc).
    expect(Math.abs(mark.y - rowY(4))).toBeLessThan(9);

    // Hovering shows its details next to the pointer.
    await page.mouse.move(mark.x, mark.y);
    const tooltip = page.getByTestId('flamescope-flamegraph-tooltip');
    await eventually(async () => /^mark\d+ samples \(/.test((await tooltip.textContent()) ?? ''));
    expect(await tooltip.isVisible()).toBe(true);

    // Zoom into `mark` by clicking it: it fills the width (still highlighted; its label starts 4 px in), then reset.
    const reset = page.getByRole('button', { name: 'Reset zoom' });
    expect(await reset.isDisabled()).toBe(true);
    await page.mouse.click(mark.x, mark.y);
    await eventually(() => reset.isEnabled());
    await eventually(async () => (await flamePixel(page, { x: graph.x + 2, y: rowY(4) })).join() === MAGENTA.join());
    expect(await flamePixel(page, { x: graph.x + graph.width - 5, y: rowY(4) })).toEqual(MAGENTA);
    await reset.click();
    await eventually(() => reset.isDisabled());
    // mark is back to its share of the width (it starts at the left: gc sorts before serve).
    await eventually(
      async () => (await flamePixel(page, { x: graph.x + graph.width - 5, y: rowY(4) })).join() !== MAGENTA.join()
    );
    await page.getByLabel('Search frames').fill('');
    await eventually(async () => (await flamePixels(page)).highlighted === 0);

    // Keyboard (the keyboard's frame is the clicked one, mark): Home goes to the root, Up climbs the hottest path
    // (all → app → main → gc), Enter zooms, Escape resets.
    await page.locator(FLAME_CANVAS).focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('ArrowUp');
    }
    await page.keyboard.press('Enter');
    await eventually(() => reset.isEnabled());
    expect(await page.locator(FLAME_CANVAS).getAttribute('aria-label')).toMatch(/zoomed into gc/);
    await page.keyboard.press('Escape');
    await eventually(() => reset.isDisabled());

    // Downloads: the graph as a standalone SVG named after the profile and the range, and the slice as folded stacks.
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'SVG', exact: true }).click(),
    ]);
    expect(svgDownload.suggestedFilename()).toBe(
      'flamegraph-svc_2026-11-17T09_30_00Z-20261117T093003.240Z-20261117T093003.300Z.svg'
    );
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg).toMatch(/^<\?xml[^>]*>\s*<svg/);
    expect(svg).toContain(`<title>Flame graph · ${KEY} · 2026-11-17 09:30:03.240 – 09:30:03.300 UTC (60 ms)</title>`);
    expect(svg).toMatch(/<rect [^>]*fill="rgb/);
    expect(svg).toMatch(/<text [^>]*>mark<\/text>/);
    expect(svg).toMatch(/<text [^>]*>gc<\/text>/);
    expect(svg).toMatch(/<style[^>]*>[^<]*font-family/);
    const [foldedDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Folded', exact: true }).click(),
    ]);
    // Lossless, from the sidecar's /api/v1/folded for the slice (not rebuilt from the drawn tree): the thread is the
    // root frame, as FlameGraph folds it, and the file is named after the profile and the range.
    expect(foldedDownload.suggestedFilename()).toBe(
      'flamescope-svc_2026-11-17T09_30_00Z-20261117T093003.240Z-20261117T093003.300Z.folded'
    );
    const folded = readFileSync((await foldedDownload.path())!, 'utf8');
    expect(folded).toMatch(/^app;main;gc;mark \d+$/m);
    expect(folded).not.toMatch(/^all;/m);
    await page.close();
  });

  test('top functions beside the graph: a row highlights its frames; its sandwich shows callers and callees', async () => {
    const page = await openPage(`${viewUrl(KEY, RANGE.from, RANGE.to)}&flamescope-1=${T0 + 3240}~${T0 + 3300}`);
    await flamePainted(page, 8);
    await page.getByRole('radio', { name: 'Both' }).click();
    const table = page.getByRole('table', { name: 'Top functions' });
    await table.waitFor();
    // mark is the burst's hottest leaf: a row with its self and total samples.
    const mark = table.getByRole('row', { name: /^mark: self \d+ samples/ });
    await mark.waitFor();
    expect((await flamePixels(page)).highlighted).toBe(0);
    await mark.click();
    await eventually(async () => (await flamePixels(page)).highlighted > 0);
    // Only mark's frame is painted: one row of it (level 4).
    const pixels = await flamePixels(page);
    const rowY = (level: number) => pixels.box.y + pixels.box.height - 18 * level - 9;
    expect(Math.abs(pixels.firstHighlight!.y - rowY(4))).toBeLessThan(9);
    await mark.click();
    await eventually(async () => (await flamePixels(page)).highlighted === 0);

    // The sandwich of gc: its callers (main, app) above, its callees (mark) below — two graphs.
    await page.getByRole('button', { name: 'Sandwich view of gc' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="flamescope-flamegraph"] canvas[data-frames-drawn]').length === 2
    );
    const labels = await page
      .locator('[data-testid="flamescope-flamegraph"] canvas[role="application"]')
      .evaluateAll((canvases) => canvases.map((c) => c.getAttribute('aria-label') ?? ''));
    expect(labels).toHaveLength(2);
    expect(labels.every((l) => /^Flame graph, \d+ frames/.test(l))).toBe(true);
    await page.getByRole('button', { name: /close/i }).first().click();
    await table.waitFor();
    await page.close();
  });

  test('the selection follows the address while the page stays open (back and forward, as in a dashboard)', async () => {
    const page = await openPage(`${viewUrl(KEY, RANGE.from, RANGE.to)}&flamescope-1=${T0 + 5200}~${T0 + 5400}`);
    await flamePainted(page, 6); // a quiet slice: all, app, main, serve, parse, render
    // A link inside the dashboard to the burst: a new history entry, reached by going back and forward.
    await page.evaluate(
      (burst) => {
        const url = new URL(location.href);
        url.searchParams.set('flamescope-1', burst);
        history.pushState(null, '', url);
        history.back();
      },
      `${T0 + 3240}~${T0 + 3300}`
    );
    await page.waitForTimeout(100);
    await page.evaluate(() => history.forward());
    await flamePainted(page, 8); // the burst adds gc and mark
    await expectSelection(page, T0 + 3240, T0 + 3300);
    await page.evaluate(() => history.back());
    await flamePainted(page, 6);
    await expectSelection(page, T0 + 5200, T0 + 5400);
    await page.close();
  });

  test('vs range colours the slice against the whole range: its own frames red, frames it has less of blue', async () => {
    const page = await openPage(`${viewUrl(KEY, RANGE.from, RANGE.to)}&flamescope-1=${T0 + 3240}~${T0 + 3300}`);
    await flamePainted(page, 8);
    await page.getByRole('radio', { name: 'vs range' }).click();
    await textMatches(
      page,
      '[data-testid="flamescope-flamegraph-legend"]',
      /more in the whole time range \(baseline\)/
    );
    const { box: graph } = await flamePixels(page);
    const rowY = (level: number) => graph.y + graph.height - 18 * level - 9;
    // gc;mark happen only in the burst: half of their samples (selection + baseline, which holds the slice too) are
    // the selection's, against 5 % overall: red. serve (right of gc) runs all along the range, so the slice has less
    // of it than overall: blue.
    const isMore = (rgb: number[]) => rgb[0] > rgb[1] + 40 && rgb[0] > rgb[2] + 40;
    const isLess = (rgb: number[]) => rgb[2] > rgb[0] + 40;
    await eventually(async () => isMore(await flamePixel(page, { x: graph.x + 4, y: rowY(4) })));
    expect(isLess(await flamePixel(page, { x: graph.x + graph.width - 8, y: rowY(3) }))).toBe(true);
    // Back to the plain slice: kind colours again (mark is user code: FlameGraph's hot palette, not the diff red).
    await page.getByRole('radio', { name: 'Slice' }).click();
    await textMatches(page, '[data-testid="flamescope-flamegraph-legend"]', /user/);
    await flamePainted(page, 8);
    await eventually(async () => !isLess(await flamePixel(page, { x: graph.x + graph.width - 8, y: rowY(3) })));
    await page.close();
  });

  test('"show all" loads every frame below the zoomed one and keeps the zoom; a superseded request is aborted', async () => {
    // The demo's 10 s at maxNodes 300: most frames merged.
    const page = await openPage(
      `${viewUrl(DEMO_KEY, T0, T0 + 40_000)}&maxNodes=300&flamescope-1=${T0 + 10_000}~${T0 + 20_000}`
    );
    const asked: URL[] = [];
    page.on('request', (r) => r.url().includes('/api/v1/flamegraph') && asked.push(new URL(r.url())));
    await flamePainted(page);
    const canvas = page.locator(FLAME_CANVAS);
    await textMatches(page, '[data-testid="flamescope-flamegraph-pruned"]', /small frames merged/);

    // Zoom with the keyboard into the hottest path's third frame (all → thread → its hottest child).
    await canvas.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await eventually(async () => /zoomed into /.test((await canvas.getAttribute('aria-label')) ?? ''));
    const zoomed = /zoomed into (.*?)\. /.exec((await canvas.getAttribute('aria-label'))!)![1];

    await page.getByTestId('flamescope-flamegraph-show-all').click();
    await textMatches(page, '[data-testid="flamescope-flamegraph-complete"]', new RegExp(`Every frame below`));
    const label = (await canvas.getAttribute('aria-label'))!;
    expect(label).toContain(`zoomed into ${zoomed}`);
    expect(Number(/Flame graph, (\d+) frames/.exec(label)![1])).toBeGreaterThan(300);
    const last = asked[asked.length - 1];
    expect(last.searchParams.getAll('focus')).toHaveLength(2);
    expect(last.searchParams.getAll('focus')[1]).toBe(zoomed);
    // Reset: outside the detailed frame the graph is pruned as before, and says so.
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await textMatches(page, '[data-testid="flamescope-flamegraph-pruned"]', /small frames merged/);

    // A request that a newer choice supersedes is aborted, not just ignored: hold the next answer back, then choose
    // "vs range".
    const aborted: string[] = [];
    page.on(
      'requestfailed',
      (r) => r.url().includes('/api/v1/flamegraph') && aborted.push(r.failure()?.errorText ?? '')
    );
    let held = true;
    await page.route('**/api/v1/flamegraph*', async (route) => {
      if (held) {
        held = false;
        await new Promise((r) => setTimeout(r, 1500));
      }
      await route.continue().catch(() => undefined);
    });
    await page.getByRole('radio', { name: 'vs previous' }).click();
    await page.waitForTimeout(100);
    await page.getByRole('radio', { name: 'vs range' }).click();
    await eventually(async () => aborted.length > 0, 5000);
    expect(aborted[0]).toMatch(/ABORTED|cancel/i);
    await textMatches(page, '[data-testid="flamescope-flamegraph-legend"]', /whole time range/);
    await page.close();
  });

  test('the flame graph is crisp on HiDPI screens: its canvas has twice the pixels of its CSS size', async () => {
    const hidpi = await browser.newContext({
      viewport: VIEWPORT,
      colorScheme: 'light',
      timezoneId: 'UTC',
      deviceScaleFactor: 2,
    });
    const page = await openPage(`${viewUrl(KEY, RANGE.from, RANGE.to)}&flamescope-1=${T0 + 3240}~${T0 + 3300}`, hidpi);
    await flamePainted(page, 8);
    const pixels = await flamePixels(page);
    expect(pixels.width).toBe(Math.round(pixels.box.width * 2));
    expect(pixels.height).toBe(Math.round(pixels.box.height * 2));
    // The root row, read back at device resolution.
    expect(await flamePixel(page, { x: pixels.box.x + 20, y: pixels.box.y + pixels.box.height - 9 })).toEqual([
      225, 225, 230,
    ]);
    await page.close();
    await hidpi.close();
  });

  test('light and dark themes both render (system preference, then the toggle); screenshots for the catalog', async () => {
    const dark = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark', timezoneId: 'UTC' });
    // With the burst selected, so the flame graph shows too.
    const page = await openPage(`${viewUrl(KEY, RANGE.from, RANGE.to)}&flamescope-1=${T0 + 3240}~${T0 + 3300}`, dark);
    await flamePainted(page, 8);
    const box = await heatmapBox(page);
    await waitForPixel(page, at(box, RANGE, T0 + 3500, 270), isRed);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const darkBackground = await background();
    const darkEmpty = await pixel(page, at(box, RANGE, T0 + 6500, 550));
    expect(Math.max(...darkEmpty)).toBeLessThan(60);
    // The flame graph: frames keep their (theme-independent) fills on the theme's background.
    const graph = (await flamePixels(page)).box;
    const flameRoot = { x: graph.x + 20, y: graph.y + graph.height - 9 };
    const flameEmpty = { x: graph.x + graph.width / 2, y: graph.y + 5 };
    expect(await flamePixel(page, flameRoot)).toEqual([225, 225, 230]);
    expect(Math.max(...(await flamePixel(page, flameEmpty)))).toBeLessThan(60);

    await page.getByTestId('flamescope-theme-toggle').click();
    await page.waitForFunction((bg) => getComputedStyle(document.body).backgroundColor !== bg, darkBackground);
    const lightBackground = await background();
    expect(lightBackground).not.toBe(darkBackground);
    expect(await waitForPixel(page, at(box, RANGE, T0 + 6500, 550), (rgb) => rgb.every((v) => v === 255))).toEqual([
      255, 255, 255,
    ]);
    await eventually(async () => (await flamePixel(page, flameEmpty)).join() === '255,255,255');
    expect(await flamePixel(page, flameRoot)).toEqual([225, 225, 230]);
    await page.close();

    await dark.close();

    // The catalog's screenshots: the demo profile with a slice selected, in each theme (fresh contexts: the toggle
    // above is remembered in the dark context's storage).
    for (const mode of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ viewport: VIEWPORT, colorScheme: mode, timezoneId: 'UTC' });
      const shot = await openPage(
        `${viewUrl(DEMO_KEY, T0, T0 + 40_000)}&rows=49&flamescope-1=${T0 + 19_000}~${T0 + 20_000}`,
        ctx
      );
      await heatmapBox(shot);
      await flamePainted(shot);
      expect(await shot.evaluate(() => document.documentElement.dataset.theme)).toBe(mode);
      // The catalog's copies are refreshed on request (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean.
      const dir = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'src', 'img') : tmpdir();
      await shot.screenshot({ path: join(dir, `screenshot-${mode}.png`) });
      await ctx.close();
    }
  });

  test('a dropped file is parsed in the browser with the same engine and answers the panel itself', async () => {
    const page = await openPage(viewUrl(KEY, RANGE.from, RANGE.to));
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await heatmapBox(page);
    const lastModified = Date.parse('2026-11-18T12:00:10Z');
    // A plain file without a time in its name: its last sample is placed at its last-modified time.
    const dataTransfer = await page.evaluateHandle(
      ({ text, lastModified: modified }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.txt', { type: 'text/plain', lastModified: modified }));
        return dt;
      },
      { text: profileWithGap(), lastModified }
    );
    await page.dispatchEvent('[data-testid="flamescope-dropzone"]', 'dragenter', { dataTransfer });
    await page.locator('[data-testid="flamescope-drop-overlay"]').waitFor();
    await page.dispatchEvent('[data-testid="flamescope-dropzone"]', 'drop', { dataTransfer });
    await textMatches(page, '[data-testid="flamescope-facts"]', /dropped\.txt \(parsed here\)/);
    expect((await pageUrl(page)).searchParams.get('profile')).toBeNull();
    // Parsed off the page's thread.
    expect(workers).toEqual([`${sidecar.url}/host/parse-worker.js`]);
    expect(await page.title()).toBe('dropped.txt · FlameScope');

    // Last sample 1009.990 s at 12:00:10 → first sample at 12:00:00.010; the view is whole seconds around it.
    const local = { from: Date.parse('2026-11-18T12:00:00Z'), to: Date.parse('2026-11-18T12:00:10Z') };
    let box = await heatmapBox(page);
    // 3.26 s after the first sample → second 3, offset 270 ms again (the 10 ms shift stays in the row).
    expect(isRed(await waitForPixel(page, at(box, local, local.from + 3500, 270), isRed))).toBe(true);
    box = await heatmapBox(page);
    await drag(page, at(box, local, local.from + 3500, 265), at(box, local, local.from + 3500, 305));
    await expectSelection(page, local.from + 3260, local.from + 3320);
    await flamePainted(page, 8);
    expect(await searchFlame(page, 'gc')).toMatch(/^1 match, /);
    await page.getByLabel('Search frames').fill('');

    // A gzip file through the file input, placed by the instant in its name.
    await page.locator('[data-testid="flamescope-dropzone"] input[type="file"]').setInputFiles({
      name: 'svc-2026-11-17T10:00:00Z.txt.gz',
      mimeType: 'application/gzip',
      buffer: gzipSync(Buffer.from(profileWithGap(), 'latin1')),
    });
    await textMatches(page, '[data-testid="flamescope-facts"]', /svc-2026.*\.gz \(parsed here\)/);
    const gz = { from: Date.parse('2026-11-17T10:00:00Z'), to: Date.parse('2026-11-17T10:00:10Z') };
    box = await heatmapBox(page);
    expect(isRed(await waitForPixel(page, at(box, gz, gz.from + 3500, 270), isRed))).toBe(true);
    expect(await pixel(page, at(box, gz, gz.from + 6500, 550))).toEqual([255, 255, 255]);
    await page.close();
  });

  test('a dropped V8 .cpuprofile opens like a perf profile: heat map, brush, flame graph of its functions', async () => {
    const page = await openPage(viewUrl(KEY, RANGE.from, RANGE.to));
    await heatmapBox(page);
    // DevTools' "Save profile" of a page (speedscope's sample, MIT): 29 samples in 48 ms, a → b → d and a → c → d.
    await page.locator('[data-testid="flamescope-dropzone"] input[type="file"]').setInputFiles({
      name: 'web-2026-11-17T10:00:00Z.cpuprofile',
      mimeType: 'application/json',
      buffer: readFileSync(join(ROOT, 'tests', 'fixtures', 'chrome', 'Chrome-65-simple.cpuprofile')),
    });
    await textMatches(page, '[data-testid="flamescope-facts"]', /web-2026.*\.cpuprofile \(parsed here\)/);
    const box = await heatmapBox(page);
    // The whole heat map: every sample.
    await drag(page, { x: box.x + 2, y: box.y + box.height - 2 }, { x: box.x + box.width - 2, y: box.y + 2 });
    await flamePainted(page);
    const label = (await page.locator(FLAME_CANVAS).getAttribute('aria-label'))!;
    // all, main, the script's top level, a, b, d, c, d.
    expect(label).toMatch(/^Flame graph, 8 frames/);
    expect(await searchFlame(page, 'd ')).toMatch(/^2 matches, (9[0-9]|100)\.\d+% of samples/);
    await page.close();
  });
});
