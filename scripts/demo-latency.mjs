#!/usr/bin/env node
// The demo dashboard's latency series (TestData "CSV content"): checkout-api's p99 request latency around the bundled
// demo profile (profiles/checkout-api/2026-11-17T09:30:00Z.perf.gz, 09:30:00–09:30:40 UTC). It follows the profile's
// workload: a young GC every 4.3 s from 1.9 s (every fifth a longer mixed collection) and the flush band 300–420 ms
// into each second (see bench/generate-profile.ts), so the latency spikes sit exactly over the heat map's GC columns.
// The output is embedded in provisioning/dashboards/flamescope/flamescope-demo.json and in the alert rule
// (provisioning/alerting/flamescope-demo.yaml); tests/integration checks they match this script.
// Usage: node scripts/demo-latency.mjs > latency.csv
import { pathToFileURL } from 'node:url';

export const PROFILE_START_MS = Date.UTC(2026, 10, 17, 9, 30, 0);
/** The series covers the profile (40 s) and the second before it. */
export const SERIES_FROM_MS = PROFILE_START_MS - 1_000;
export const SERIES_TO_MS = PROFILE_START_MS + 40_000;
export const STEP_MS = 200;

/** GC windows in seconds after the profile's start, as the demo profile's generator places them. */
export function gcWindows(fromSec = -1, toSec = 40) {
  const out = [];
  for (let i = -3; ; i++) {
    const t = round3(1.9 + 4.3 * i);
    if (t >= toSec) {
      break;
    }
    const index = ((i % 5) + 5) % 5;
    const length = index === 4 ? 0.9 : 0.26 + 0.06 * (((i % 3) + 3) % 3);
    if (t + length > fromSec) {
      out.push({ from: t, to: round3(t + length), mixed: index === 4 });
    }
  }
  return out;
}

const round3 = (x) => Math.round(x * 1000) / 1000;

/** A deterministic jitter in [-1, 1). */
function jitter(n) {
  const x = Math.sin(n * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

export function latencyRows() {
  const windows = gcWindows();
  const rows = [];
  for (let t = SERIES_FROM_MS; t < SERIES_TO_MS; t += STEP_MS) {
    const sec = (t - PROFILE_START_MS) / 1000;
    const end = (t + STEP_MS - PROFILE_START_MS) / 1000;
    let p99 = 42 + 4 * Math.sin(sec / 7) + 3 * jitter(t / STEP_MS);
    const inSecond = sec - Math.floor(sec);
    if (inSecond < 0.42 && inSecond + STEP_MS / 1000 > 0.3) {
      p99 += 11; // the flush band
    }
    for (const w of windows) {
      const overlap = round3(Math.min(end, w.to) - Math.max(sec, w.from));
      if (overlap > 0) {
        // A request that waits out the pause: p99 grows with the pause; the mixed collection breaks the 250 ms SLO.
        p99 = Math.max(p99, (w.mixed ? 430 : 120 + 220 * (w.to - w.from)) * Math.min(1, 0.6 + overlap / 0.5));
      }
    }
    rows.push([t, Math.round(p99 * 10) / 10]);
  }
  return rows;
}

export function latencyCsv() {
  return ['time,p99{host=checkout-api}', ...latencyRows().map(([t, v]) => `${t},${v}`)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(latencyCsv() + '\n');
}
