/**
 * Brush release to flame-graph first paint, in headless Chromium: the viewer page (the real panel and data source)
 * over a sidecar process serving the benchmark profile; a drag selects ~1.2 s (≈ 20 k flame-graph nodes there), and
 * the clock runs in the page from the mouseup to the frame after the flame graph's frames are in the DOM.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { CHROMIUM_MISSING, chromiumInstalled, launchChromium } from '../sidecar/testing/chromium';
import { spawnSidecar } from '../sidecar/testing/spawn-sidecar';

const ROOT = join(__dirname, '..');

export interface PaintFigure {
  medianMs: number;
  nodes: number;
  rangeMs: number;
}

export async function brushToPaint(profilePath: string, reps = 5): Promise<PaintFigure | string> {
  if (!chromiumInstalled()) {
    return `skipped: ${CHROMIUM_MISSING}`;
  }
  if (!existsSync(join(ROOT, 'lib', 'host', 'index.html'))) {
    execFileSync('npm', ['run', '--silent', 'build:host'], { cwd: ROOT, stdio: 'ignore' });
  }
  const sidecar = await spawnSidecar(['--storage', pathToFileURL(dirname(profilePath)).href]);
  const browser = await launchChromium();
  try {
    const id = basename(profilePath);
    // One small query parses the profile and says where it sits on the wall clock.
    const frame = (await (
      await fetch(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(id)}&rows=1&maxColumns=1`)
    ).json()) as {
      schema: { meta: { custom: { profiles: Array<{ from: number; to: number }> } } };
    };
    const span = frame.schema.meta.custom.profiles[0];
    const from = Math.floor(span.from / 1000) * 1000;
    const to = Math.ceil(span.to / 1000) * 1000;
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${sidecar.url}/?profile=${encodeURIComponent(id)}&from=${from}&to=${to}&maxNodes=20000`);
    const canvas = page.locator('[data-testid="flamescope-heatmap-cells"]');
    await canvas.waitFor({ timeout: 60_000 });
    const box = (await canvas.boundingBox())!;
    const xAt = (t: number) => box.x + ((t - from) / (to - from)) * box.width;
    const start = from + Math.floor((to - from) / 2000) * 1000;
    const rangeMs = 1200;

    const times: number[] = [];
    let nodes = 0;
    for (let i = 0; i < reps; i++) {
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('[data-testid="flamescope-flamegraph"] svg g'));
      // Stamp the mouseup, then the first animation frame after the flame graph's frames appear.
      await page.evaluate(() => {
        const w = window as unknown as { __up?: number; __paint?: number };
        w.__up = undefined;
        w.__paint = undefined;
        window.addEventListener('mouseup', () => (w.__up = performance.now()), { capture: true, once: true });
        const observer = new MutationObserver(() => {
          if (w.__paint === undefined && document.querySelector('[data-testid="flamescope-flamegraph"] svg g rect')) {
            w.__paint = -1;
            requestAnimationFrame(() => requestAnimationFrame(() => (w.__paint = performance.now())));
            observer.disconnect();
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
      const y0 = box.y + box.height - 2;
      const y1 = box.y + 2;
      await page.mouse.move(xAt(start) + 1, y0);
      await page.mouse.down();
      await page.mouse.move(xAt(start + rangeMs) - 1, y1, { steps: 8 });
      await page.mouse.up();
      await page.waitForFunction(() => ((window as unknown as { __paint?: number }).__paint ?? -1) > 0, undefined, {
        timeout: 60_000,
      });
      const [up, paint, count] = await page.evaluate(() => {
        const w = window as unknown as { __up: number; __paint: number };
        return [w.__up, w.__paint, document.querySelectorAll('[data-testid="flamescope-flamegraph"] svg g').length];
      });
      times.push(paint - up);
      nodes = count;
    }
    times.sort((a, b) => a - b);
    return { medianMs: times[Math.floor(times.length / 2)], nodes, rangeMs };
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}
