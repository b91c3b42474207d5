/**
 * A bounded load run against a real sidecar on 127.0.0.1: the sidecar runs in its own process (as in production),
 * autocannon drives it from this one, and the figures are throughput and p99 latency for cached heat-map queries and
 * 1-s flame-graph queries on the benchmark profile.
 */
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
// autocannon ships no types.
const autocannon = require('autocannon');
import { spawnSidecar } from '../sidecar/testing/spawn-sidecar';

export interface LoadFigure {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export async function loadRun(profilePath: string, seconds = 5): Promise<LoadFigure[]> {
  const { url, stop } = await spawnSidecar(['--storage', pathToFileURL(dirname(profilePath)).href]);
  try {
    const key = encodeURIComponent(profilePath.slice(dirname(profilePath).length + 1));
    // The cold query parses the profile; everything after is served from the cache.
    const cold = await fetch(`${url}/api/v1/heatmap?profile=${key}`);
    const frame = (await cold.json()) as { schema: { meta: { custom: { from: number; to: number } } } };
    const { from, to } = frame.schema.meta.custom;
    const middle = Math.floor((from + to) / 2000) * 1000;
    const figures: LoadFigure[] = [];
    figures.push(
      await hammer('heat map (whole profile, 50 rows), cached', `${url}/api/v1/heatmap?profile=${key}&rows=50`, seconds)
    );
    figures.push(
      await hammer(
        'flame graph of 1 s (maxNodes 5000), cached profile',
        `${url}/api/v1/flamegraph?profile=${key}&from=${middle}&to=${middle + 1000}&maxNodes=5000`,
        seconds
      )
    );
    return figures;
  } finally {
    await stop();
  }
}

async function hammer(name: string, url: string, seconds: number): Promise<LoadFigure> {
  const result = await autocannon({ url, connections: 8, duration: seconds });
  return {
    name,
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
