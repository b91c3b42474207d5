/**
 * Starts real sidecars on 127.0.0.1 (port 0) over a temp folder, and writes synthetic profiles with known times.
 */
import { DEFAULT_KEY_TIME_PATTERN, SidecarConfig } from '../../sidecar/config';
import { Sidecar, startSidecar } from '../../sidecar/serve';

export * from '../helpers/profile-folder';

export function testConfig(overrides: Partial<SidecarConfig> = {}): SidecarConfig {
  return {
    storage: 'file:///nonexistent',
    host: '127.0.0.1',
    port: 0,
    cacheMemoryMb: 256,
    maxProfileMb: 64,
    maxRatio: 100,
    parseConcurrency: 1,
    parseWorkers: 1,
    maxConcurrentQueries: 4,
    maxQueuedQueries: 64,
    maxResponseMb: 64,
    publicMetrics: true,
    shutdownTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    // Tests wait for their parses unless they test the early 503 "parsing" (parse-wait.test.ts).
    parseWaitMs: 60_000,
    storageTimeoutMs: 3_000,
    revalidateMs: 0,
    writeIndex: false,
    keyTimePattern: DEFAULT_KEY_TIME_PATTERN,
    capturedOnTimeZone: 'UTC',
    logLevel: 'silent',
    ...overrides,
  };
}

export async function startTestSidecar(overrides: Partial<SidecarConfig>): Promise<Sidecar> {
  return startSidecar(testConfig(overrides));
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}
