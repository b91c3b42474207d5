/**
 * Brush release to flame-graph paint, in headless Chromium: the viewer page (the real panel and data source) over a
 * sidecar process serving the benchmark profile; a drag selects a slice, and the clock runs in the page from the
 * mouseup to the animation frame after the flame graph's canvas has painted (its `data-frames-drawn` attribute is set
 * by the paint itself). A PerformanceObserver for 'longtask' in the page records the longest main-thread task in that
 * interval (Chromium reports tasks of 50 ms and more; none means every task was shorter).
 *
 * The headline figure is a ~1.2 s slice at maxNodes 20 000 (≈ 20 k flame-graph nodes there); `slices` adds ~1 s and
 * ~5 s slices at the panel's default maxNodes.
 */
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { Page } from 'playwright-core';
import { CHROMIUM_MISSING, chromiumInstalled, launchChromium } from '../sidecar/testing/chromium';
import { spawnSidecar } from '../sidecar/testing/spawn-sidecar';

const ROOT = join(__dirname, '..');
const FLAME_CANVAS = '[data-testid="flamescope-flamegraph"] canvas[data-frames-drawn]';

export interface SliceFigure {
  rangeMs: number;
  /** maxNodes asked of the data source (undefined: the panel's default). */
  maxNodes?: number;
  medianMs: number;
  /** The longest main-thread task between mouseup and paint over all repetitions (0: none of 50 ms or more). */
  longestTaskMs: number;
  /** Frames in the flame graph (the tree's nodes) and frames the canvas drew (wide enough to see). */
  nodes: number;
  drawn: number;
}

export interface PaintFigure {
  medianMs: number;
  maxNodes?: number;
  nodes: number;
  rangeMs: number;
  longestTaskMs: number;
  drawn: number;
  /** ~1 s and ~5 s slices at the default maxNodes. */
  slices: SliceFigure[];
  /** On the headline slice's graph: search and hover. */
  interaction: InteractionFigure;
}

export interface InteractionFigure {
  /** The search's debounce elapsed → its highlight on screen (median of the terms typed); and the longest task. */
  searchMs: number;
  searchLongestTaskMs: number;
  /** Work per mouse move over the graph (its handler plus the animation frame that repaints the outline), p95 and max. */
  hoverP95Ms: number;
  hoverMaxMs: number;
  moves: number;
}

/** The panel's search debounce (FlameGraphView's SEARCH_DEBOUNCE_MS). */
const SEARCH_DEBOUNCE_MS = 150;

export async function brushToPaint(profilePath: string, reps = 5): Promise<PaintFigure | string> {
  if (!chromiumInstalled()) {
    return `skipped: ${CHROMIUM_MISSING}`;
  }
  // Always rebuilt (a few seconds): the page measured is the code in the tree, never a stale build.
  execFileSync('npm', ['run', '--silent', 'build:host'], { cwd: ROOT, stdio: 'ignore' });
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

    const measure = async (rangeMs: number, maxNodes?: number): Promise<SliceFigure> => {
      const query = maxNodes ? `&maxNodes=${maxNodes}` : '';
      await page.goto(`${sidecar.url}/?profile=${encodeURIComponent(id)}&from=${from}&to=${to}${query}`);
      const canvas = page.locator('[data-testid="flamescope-heatmap-cells"]');
      await canvas.waitFor({ timeout: 60_000 });
      const box = (await canvas.boundingBox())!;
      const xAt = (t: number) => box.x + ((t - from) / (to - from)) * box.width;
      // Whole seconds from the middle of the profile (a drag from the bottom of one column to the top of another).
      const start = from + Math.floor((to - from - rangeMs) / 2000) * 1000;
      const times: number[] = [];
      let longest = 0;
      let nodes = 0;
      let drawn = 0;
      for (let i = 0; i < reps; i++) {
        const result = await brushOnce(page, {
          x0: xAt(start) + 1,
          x1: xAt(start + rangeMs) - 1,
          y0: box.y + box.height - 2,
          y1: box.y + 2,
        });
        times.push(result.ms);
        longest = Math.max(longest, result.longestTaskMs);
        nodes = result.nodes;
        drawn = result.drawn;
      }
      times.sort((a, b) => a - b);
      return { rangeMs, maxNodes, medianMs: times[Math.floor(times.length / 2)], longestTaskMs: longest, nodes, drawn };
    };

    const main = await measure(1200, 20_000);
    const interaction = await searchAndHover(page);
    const slices: SliceFigure[] = [];
    for (const rangeMs of [1000, 5000]) {
      const s = await measure(rangeMs);
      slices.push(s);
    }
    for (const s of [main, ...slices]) {
      console.log(
        `  brush → flame graph painted, ${s.rangeMs} ms slice, maxNodes ${s.maxNodes ?? 'default'}: ` +
          `median ${s.medianMs.toFixed(0)} ms, longest task ${s.longestTaskMs > 0 ? `${s.longestTaskMs.toFixed(0)} ms` : '< 50 ms'}, ` +
          `${s.nodes} frames (${s.drawn} drawn)`
      );
    }
    console.log(
      `  search → highlight painted (after the ${SEARCH_DEBOUNCE_MS} ms debounce), ${main.nodes} frames: median ` +
        `${interaction.searchMs.toFixed(0)} ms, longest task ${interaction.searchLongestTaskMs > 0 ? `${interaction.searchLongestTaskMs.toFixed(0)} ms` : '< 50 ms'}; ` +
        `hover: p95 ${interaction.hoverP95Ms.toFixed(1)} ms, max ${interaction.hoverMaxMs.toFixed(1)} ms of work per move (${interaction.moves} moves)`
    );
    return {
      interaction,
      maxNodes: main.maxNodes,
      medianMs: main.medianMs,
      nodes: main.nodes,
      rangeMs: main.rangeMs,
      longestTaskMs: main.longestTaskMs,
      drawn: main.drawn,
      slices,
    };
  } finally {
    await browser.close();
    await sidecar.stop();
  }
}

/** One brush: clear the selection, drag, and time mouseup → the frame after the flame graph's canvas painted. */
export async function brushOnce(
  page: Page,
  drag: { x0: number; x1: number; y0: number; y1: number }
): Promise<{ ms: number; longestTaskMs: number; nodes: number; drawn: number }> {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="flamescope-flamegraph"] canvas'));
  await page.evaluate((selector) => {
    const w = window as unknown as { __up?: number; __paint?: number; __tasks?: Array<[number, number]> };
    w.__up = undefined;
    w.__paint = undefined;
    w.__tasks = [];
    window.addEventListener('mouseup', () => (w.__up = performance.now()), { capture: true, once: true });
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.__tasks!.push([e.startTime, e.duration]);
      }
    });
    tasks.observe({ type: 'longtask' });
    // The canvas sets data-frames-drawn in the animation frame that paints it: the next frame has it on screen.
    const observer = new MutationObserver(() => {
      const canvas = document.querySelector<HTMLCanvasElement>(selector);
      if (w.__paint === undefined && canvas && Number(canvas.dataset.framesDrawn) > 0) {
        w.__paint = -1;
        observer.disconnect();
        requestAnimationFrame(() => {
          w.__paint = performance.now();
          // Long tasks are reported after they end: collect them on the next task.
          setTimeout(() => tasks.disconnect(), 0);
        });
      }
    });
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-frames-drawn'],
    });
  }, FLAME_CANVAS);
  await page.mouse.move(drag.x0, drag.y0);
  await page.mouse.down();
  await page.mouse.move(drag.x1, drag.y1, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => ((window as unknown as { __paint?: number }).__paint ?? -1) > 0, undefined, {
    timeout: 60_000,
  });
  await page.waitForTimeout(50);
  return page.evaluate((selector) => {
    const w = window as unknown as { __up: number; __paint: number; __tasks: Array<[number, number]> };
    const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
    let longest = 0;
    for (const [start, duration] of w.__tasks) {
      if (start + duration > w.__up && start < w.__paint) {
        longest = Math.max(longest, duration);
      }
    }
    const nodes = Number(/(\d+) frames/.exec(canvas.getAttribute('aria-label') ?? '')?.[1] ?? 0);
    return { ms: w.__paint - w.__up, longestTaskMs: longest, nodes, drawn: Number(canvas.dataset.framesDrawn) };
  }, FLAME_CANVAS);
}

/**
 * On the graph shown: type search terms (timing the last keystroke's debounce to the repaint that shows the
 * highlight, via the canvas's paint counter), then sweep the pointer over the graph timing each move's work: the
 * mousemove handlers (window capture → window bubble, React's root listener in between) and the animation-frame
 * callbacks that repaint the hover outline.
 */
async function searchAndHover(page: Page): Promise<InteractionFigure> {
  const input = page.getByLabel('Search frames');
  const searchTimes: number[] = [];
  let searchLongest = 0;
  for (const term of ['Filter', 'alloc', 'Lorg/spring', 'read', 'epoll']) {
    await input.fill('');
    await page.waitForTimeout(50);
    await page.evaluate(
      ({ selector, term }) => {
        const w = window as unknown as { __key?: number; __paint?: number; __tasks?: Array<[number, number]> };
        const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
        w.__key = undefined;
        w.__paint = undefined;
        w.__tasks = [];
        const tasks = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            w.__tasks!.push([e.startTime, e.duration]);
          }
        });
        tasks.observe({ type: 'longtask' });
        // The debounce restarts on each input event (a key's down, not its up).
        window.addEventListener('input', () => (w.__key = performance.now()), { capture: true });
        // The search's commit shows the term on the matches line and hands the painter its mask; the next paint
        // after that commit is the highlight on screen.
        let committedPaints = -1;
        const observer = new MutationObserver(() => {
          const matches = document.querySelector('[data-testid="flamescope-flamegraph-matches"]');
          if (committedPaints < 0 && matches?.getAttribute('data-search') === term) {
            committedPaints = Number(canvas.dataset.paints ?? 0);
          }
          if (committedPaints >= 0 && Number(canvas.dataset.paints) > committedPaints && w.__paint === undefined) {
            w.__paint = -1;
            observer.disconnect();
            requestAnimationFrame(() => {
              w.__paint = performance.now();
              setTimeout(() => tasks.disconnect(), 0);
            });
          }
        });
        observer.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-paints', 'data-search'],
        });
      },
      { selector: FLAME_CANVAS, term }
    );
    await input.pressSequentially(term, { delay: 30 });
    await page.waitForFunction(() => ((window as unknown as { __paint?: number }).__paint ?? -1) > 0, undefined, {
      timeout: 10_000,
    });
    await page.waitForTimeout(30);
    const r = await page.evaluate((debounce) => {
      const w = window as unknown as { __key: number; __paint: number; __tasks: Array<[number, number]> };
      let longest = 0;
      for (const [start, duration] of w.__tasks) {
        if (start + duration > w.__key && start < w.__paint) {
          longest = Math.max(longest, duration);
        }
      }
      return { ms: w.__paint - w.__key - debounce, longest };
    }, SEARCH_DEBOUNCE_MS);
    searchTimes.push(r.ms);
    searchLongest = Math.max(searchLongest, r.longest);
  }
  await input.fill('');

  const canvas = page.locator(FLAME_CANVAS);
  const box = (await canvas.boundingBox())!;
  await page.evaluate(() => {
    const w = window as unknown as { __moves: number[]; __frames: number[]; __start?: number };
    w.__moves = [];
    w.__frames = [];
    window.addEventListener('mousemove', () => (w.__start = performance.now()), { capture: true });
    window.addEventListener(
      'mousemove',
      () => w.__start !== undefined && w.__moves.push(performance.now() - w.__start)
    );
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) =>
      raf((t) => {
        const start = performance.now();
        callback(t);
        w.__frames.push(performance.now() - start);
      });
  });
  // A zigzag over every row of the graph, 20 px apart.
  await page.mouse.move(box.x + 2, box.y + box.height - 4);
  for (let y = box.y + box.height - 4, row = 0; y > box.y + 4; y -= 20, row++) {
    await page.mouse.move(row % 2 ? box.x + 2 : box.x + box.width - 2, y, { steps: 25 });
  }
  await page.waitForTimeout(50);
  const { moves, frames } = await page.evaluate(() => {
    const w = window as unknown as { __moves: number[]; __frames: number[] };
    return { moves: w.__moves, frames: w.__frames };
  });
  // Each move's handler plus (at most) one animation frame's repaint; frames coalesce moves, so pairing the sorted
  // lists' tails is the worst case.
  frames.sort((a, b) => b - a);
  const perMove = moves.map((m, i) => m + (frames[i] ?? 0));
  perMove.sort((a, b) => a - b);
  searchTimes.sort((a, b) => a - b);
  return {
    searchMs: searchTimes[Math.floor(searchTimes.length / 2)],
    searchLongestTaskMs: searchLongest,
    hoverP95Ms: perMove[Math.floor(perMove.length * 0.95)] ?? 0,
    hoverMaxMs: perMove[perMove.length - 1] ?? 0,
    moves: moves.length,
  };
}
