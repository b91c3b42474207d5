/**
 * What the browser tests do on the viewer page: place a point on the heat map by time and offset, drag, read the
 * address as the page sees it, wait for the flame graph to paint. Playwright only; no engine imports.
 */
import { Page } from 'playwright-core';

export type Box = { x: number; y: number; width: number; height: number };

/** The page position of an instant (x) and an offset within its second (y, ms; 0 at the bottom). */
export function at(box: Box, range: { from: number; to: number }, t: number, offsetMs: number) {
  return {
    x: box.x + ((t - range.from) / (range.to - range.from)) * box.width,
    y: box.y + box.height * (1 - offsetMs / 1000),
  };
}

export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

/**
 * The page's address as the page sees it. (page.url() follows history.replaceState through protocol events, so it
 * can lag behind right after one.)
 */
export async function pageUrl(page: Page): Promise<URL> {
  return new URL(await page.evaluate(() => location.href));
}

/** The flame graph's canvas (the focusable one; an overlay canvas for outlines sits on it). */
export const FLAME_CANVAS = '[data-testid="flamescope-flamegraph"] canvas[role="application"]';

/**
 * Waits until the flame graph has painted (data-frames-drawn > 0), a graph of `frames` frames if given; inside the
 * element `within` selects (one copy of a repeated panel), else the page's first.
 */
export async function flamePainted(page: Page, frames?: number, within = ''): Promise<void> {
  await page.waitForFunction(
    ({ selector, n }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(selector);
      return (
        !!canvas &&
        Number(canvas.dataset.framesDrawn) > 0 &&
        (n === undefined || (canvas.getAttribute('aria-label') ?? '').startsWith(`Flame graph, ${n} frames`))
      );
    },
    { selector: within ? `${within} ${FLAME_CANVAS}` : FLAME_CANVAS, n: frames }
  );
}

/** Polls until `check` holds (Playwright's own expect is not jest's). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) {
      throw new Error(`still not true after ${timeoutMs} ms: ${check.toString()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
