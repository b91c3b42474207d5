/**
 * A query on a profile that is still being parsed is answered well before Grafana's data proxy gives up (30 s): after
 * --parse-wait-ms, a 503 "parsing" with the progress and Retry-After, while the parse goes on; the retry gets the
 * answer. Only the query's own profiles count, and the sidecar's own deadline stays under the proxy's by default.
 */
import { configHelp, ConfigError, loadConfig } from '../../sidecar/config';
import { ParseProgress, parsingMessage, watchParses } from '../../sidecar/http/parse-wait';
import { Sidecar } from '../../sidecar/serve';
import { SidecarProcess, spawnSidecar } from '../../sidecar/testing/spawn-sidecar';
import { getJson, perfScript, ProfileFolder, startTestSidecar, writeBigProfile } from './harness';

jest.setTimeout(90_000);

const BIG = 'big/2026-11-17T09:30:00Z.perf';
const SMALL = 'small/2026-11-17T09:30:00Z.perf';
/** Grafana's data proxy timeout by default ([dataproxy] timeout, GF_DATAPROXY_TIMEOUT), ms. */
const DATA_PROXY_TIMEOUT_MS = 30_000;

const heatmapUrl = (base: string, key: string) => `${base}/api/v1/heatmap?profile=${encodeURIComponent(key)}`;

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
}

const folder = new ProfileFolder();
let bigSize = 0;
beforeAll(() => {
  bigSize = writeBigProfile(folder, BIG, 36_000);
  folder.write(SMALL, perfScript([{ time: '1000.000000', stack: ['main', 'small'] }]));
});
afterAll(() => folder.dispose());

describe('a query on a profile still being parsed (flamescope serve --parse-wait-ms 200)', () => {
  let sidecar: SidecarProcess;
  beforeAll(async () => {
    sidecar = await spawnSidecar([
      '--storage',
      folder.url,
      '--parse-wait-ms',
      '200',
      '--request-timeout-ms',
      '20000',
      '--revalidate-ms',
      '60000',
    ]);
  });
  afterAll(() => sidecar?.stop());

  it('gets a 503 "parsing" with the progress and Retry-After at once, and the answer on a later retry', async () => {
    const started = performance.now();
    const cold = await getJson(heatmapUrl(sidecar.url, BIG));
    const elapsed = performance.now() - started;

    expect(cold.status).toBe(503);
    expect(cold.headers.get('retry-after')).toBe('2');
    expect(cold.headers.get('content-type')).toMatch(/^application\/json/);
    expect(cold.body).toEqual({
      error: 'parsing',
      message: expect.stringMatching(
        /^still parsing big\/2026-11-17T09:30:00Z\.perf: \d{1,3} % \(\d+\.\d of \d+\.\d MB\) — retry shortly$/
      ),
      progress: [{ id: BIG, bytesRead: expect.any(Number), totalBytes: bigSize }],
    });
    const [progress] = cold.body.progress;
    expect(progress.bytesRead).toBeGreaterThanOrEqual(0);
    expect(progress.bytesRead).toBeLessThanOrEqual(bigSize);
    // After the 200 ms wait, far from the request timeout (20 s) and the data proxy's 30 s.
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(3000);

    // The parse went on without the query: retrying as told, the answer comes.
    let retry = cold;
    for (let i = 0; i < 30 && retry.status === 503; i++) {
      expect(retry.body.error).toBe('parsing');
      await new Promise((resolve) => setTimeout(resolve, Number(retry.headers.get('retry-after')) * 1000));
      retry = await getJson(heatmapUrl(sidecar.url, BIG));
    }
    expect(retry.status).toBe(200);
    expect(retry.body.schema.name).toBe('heatmap');

    // Counted apart from queries that timed out (none did).
    expect(await metric(sidecar.url, 'flamescope_queries_answered_parsing_total')).toBeGreaterThanOrEqual(1);
    expect(await metric(sidecar.url, 'flamescope_queries_cancelled_total{reason="timeout"}')).toBe(0);
    // Ready now: answered straight away.
    expect((await getJson(heatmapUrl(sidecar.url, BIG))).status).toBe(200);
  });
});

describe('only the profiles a query needs count (--parse-wait-ms 0)', () => {
  let sidecar: Sidecar;
  beforeAll(async () => {
    sidecar = await startTestSidecar({ storage: folder.url, parseWaitMs: 0, parseWorkers: 2, maxProfileMb: 512 });
    // Even the small profile may be answered "parsing" at first (with no wait at all, on a busy machine): ask again.
    let small = await getJson(heatmapUrl(sidecar.url, SMALL));
    for (let i = 0; i < 100 && small.status === 503 && small.body.error === 'parsing'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      small = await getJson(heatmapUrl(sidecar.url, SMALL));
    }
    expect(small.status).toBe(200);
  });
  afterAll(() => sidecar?.close());

  it('answers a ready profile while another parses, and a query over both with only the one parsing', async () => {
    const big = await getJson(heatmapUrl(sidecar.url, BIG));
    expect(big.status).toBe(503);
    expect(big.body.error).toBe('parsing');

    // The big profile is still parsing: a query that does not need it is answered.
    const small = await getJson(`${heatmapUrl(sidecar.url, SMALL)}`);
    expect(small.status).toBe(200);
    const flame = await getJson(`${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent(SMALL)}`);
    expect(flame.status).toBe(200);

    // Both profiles: only the one parsing is in the progress.
    const both = await getJson(
      `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent(SMALL)}&profile=${encodeURIComponent(BIG)}`
    );
    expect(both.status).toBe(503);
    expect(both.body.progress.map((p: ParseProgress) => p.id)).toEqual([BIG]);
    expect((await getJson(`${sidecar.url}/healthz`)).body.parsing).toBe(1);
  });
});

describe('watchParses', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watch(over: { loading?: () => boolean; parsing?: Record<string, number> } = {}) {
    const keys = new Set<string>();
    const parsing: Record<string, number> = over.parsing ?? {};
    const answer = jest.fn();
    const stop = watchParses({
      waitMs: 1000,
      keys,
      loading: over.loading ?? (() => true),
      progressOf: (key) => (key in parsing ? { bytesRead: parsing[key], totalBytes: 100 } : undefined),
      answer,
    });
    return { keys, parsing, answer, stop };
  }

  it('answers once the wait is over, not before, with the progress of the query’s own parses', () => {
    const w = watch({ parsing: { a: 42, elsewhere: 7 } });
    w.keys.add('a').add('ready');
    jest.advanceTimersByTime(999);
    expect(w.answer).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(w.answer).toHaveBeenCalledTimes(1);
    expect(w.answer).toHaveBeenCalledWith([{ id: 'a', bytesRead: 42, totalBytes: 100 }]);
    jest.advanceTimersByTime(10_000);
    expect(w.answer).toHaveBeenCalledTimes(1);
  });

  it('keeps watching a query that is not yet loading, or whose parse has not started, and answers when it is', () => {
    let loading = false;
    const w = watch({ loading: () => loading });
    w.keys.add('a');
    w.parsing.a = 0;
    jest.advanceTimersByTime(5000);
    expect(w.answer).not.toHaveBeenCalled(); // waiting for its turn, or computing: not a parse to report
    loading = true;
    delete w.parsing.a;
    jest.advanceTimersByTime(5000);
    expect(w.answer).not.toHaveBeenCalled(); // loading, but nothing being parsed (a slow store, an index)
    w.parsing.a = 10;
    jest.advanceTimersByTime(100);
    expect(w.answer).toHaveBeenCalledWith([{ id: 'a', bytesRead: 10, totalBytes: 100 }]);
  });

  it('never answers once stopped (the query ended)', () => {
    const w = watch({ parsing: { a: 1 } });
    w.keys.add('a');
    w.stop();
    jest.advanceTimersByTime(10_000);
    expect(w.answer).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('parsingMessage', () => {
  it('names the profile, the percentage and the amount read', () => {
    expect(parsingMessage([{ id: 'db/x.perf', bytesRead: 840_000_000, totalBytes: 2_000_000_000 }])).toBe(
      'still parsing db/x.perf: 42 % (0.8 of 2.0 GB) — retry shortly'
    );
    expect(parsingMessage([{ id: 'a', bytesRead: 0, totalBytes: 0 }])).toBe(
      'still parsing a: 0 % (0.0 of 0.0 kB) — retry shortly'
    );
  });

  it('sums several and names the first three', () => {
    const progress = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, bytesRead: 25_000_000, totalBytes: 100_000_000 }));
    expect(parsingMessage(progress)).toBe(
      'still parsing 5 profiles: 25 % (125.0 of 500.0 MB) — a 25 %, b 25 %, c 25 % and 2 more — retry shortly'
    );
  });
});

describe('timeouts under the data proxy', () => {
  it("answer before Grafana's data proxy does, by default", () => {
    const config = loadConfig({}, {});
    expect(config.parseWaitMs).toBe(5000);
    expect(config.requestTimeoutMs).toBe(25_000);
    expect(config.requestTimeoutMs).toBeLessThan(DATA_PROXY_TIMEOUT_MS);
    expect(config.parseWaitMs).toBeLessThan(config.requestTimeoutMs);
  });

  it('take --parse-wait-ms and FLAMESCOPE_PARSE_WAIT_MS (0 allowed, not negative), and list it in --help', () => {
    expect(loadConfig({ 'parse-wait-ms': '0' }, {}).parseWaitMs).toBe(0);
    expect(loadConfig({}, { FLAMESCOPE_PARSE_WAIT_MS: '1500' }).parseWaitMs).toBe(1500);
    expect(() => loadConfig({ 'parse-wait-ms': '-1' }, {})).toThrow(ConfigError);
    const help = configHelp();
    expect(help).toMatch(/--parse-wait-ms VALUE\s+FLAMESCOPE_PARSE_WAIT_MS\n.*503 "parsing".*\(default 5000\)/);
    expect(help).toMatch(/--request-timeout-ms VALUE\s+FLAMESCOPE_REQUEST_TIMEOUT_MS\n.*\(default 25000\)/);
  });
});
