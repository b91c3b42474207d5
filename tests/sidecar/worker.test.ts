/**
 * Parsing happens off the request thread: while a large profile parses, the catalog shows its progress and queries
 * on cached profiles are answered before the parse ends.
 */
import { gzipSync } from 'node:zlib';
import { ParseFailure, WorkerPool } from '../../sidecar/profiles/worker-pool';
import { Sidecar } from '../../sidecar/serve';
import { getJson, perfScript, ProfileFolder, startTestSidecar, SyntheticSample, usToSeconds } from './harness';

jest.setTimeout(60_000);

/** ~40 MB of perf script: 12 000 samples with 60-frame stacks. */
function largeProfile(): string {
  const samples: SyntheticSample[] = [];
  const stack = Array.from({ length: 60 }, (_, i) => `some::namespace::Function${i}<with::template::Args>::method`);
  for (let i = 0; i < 12_000; i++) {
    samples.push({
      time: usToSeconds(1000_000_000 + i * 1000),
      cpu: i % 8,
      stack: [...stack.slice(0, 30 + (i % 30)), `leaf${i % 500}`],
    });
  }
  return perfScript(samples);
}

describe('parse workers', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;
  beforeAll(async () => {
    folder.write(
      'small/2026-11-17T09:30:00Z.perf',
      perfScript([
        { time: '1.000000', stack: ['a'] },
        { time: '1.500000', stack: ['b'] },
      ])
    );
    folder.write('large/2026-11-17T09:30:00Z.perf', largeProfile());
    sidecar = await startTestSidecar({ storage: folder.url, parseWorkers: 2, revalidateMs: 60_000 });
    expect(
      (await getJson(`${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent('small/2026-11-17T09:30:00Z.perf')}`))
        .status
    ).toBe(200);
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('shows progress while parsing and keeps answering cached queries meanwhile', async () => {
    const order: string[] = [];
    const large = getJson(
      `${sidecar.url}/api/v1/heatmap?profile=${encodeURIComponent('large/2026-11-17T09:30:00Z.perf')}`
    ).then((r) => {
      order.push('large');
      return r;
    });
    let sawParsing: any;
    for (let i = 0; i < 200 && !sawParsing && order.length === 0; i++) {
      const list = await getJson(`${sidecar.url}/api/v1/profiles?prefix=large/`);
      const entry = list.body.profiles[0];
      if (entry.status === 'parsing') {
        sawParsing = entry;
      }
    }
    const small = await getJson(
      `${sidecar.url}/api/v1/flamegraph?profile=${encodeURIComponent('small/2026-11-17T09:30:00Z.perf')}`
    );
    order.push('small');
    const result = await large;
    expect(result.status).toBe(200);
    expect(small.status).toBe(200);
    expect(sawParsing).toBeDefined();
    expect(sawParsing.progress.totalBytes).toBe(sawParsing.size);
    expect(sawParsing.progress.bytesRead).toBeLessThanOrEqual(sawParsing.size);
    // The cached query did not wait for the parse.
    expect(order).toEqual(['small', 'large']);
  });
});

describe('a worker whose parse failed on its input', () => {
  it('is replaced by a fresh one (its heap goes with it); a good parse keeps its worker', async () => {
    const folder = new ProfileFolder();
    folder.write('bomb.perf.gz', gzipSync(Buffer.alloc(32 << 20, 'a\n')));
    folder.write('good.perf', perfScript([{ time: '1.000000', stack: ['a'] }]));
    const pool = new WorkerPool(1, { storage: folder.url, storageTimeoutMs: 2000 }, 1 << 30, 100);
    try {
      const first = pool.threadIds[0];
      await pool.parse('good.perf', () => undefined);
      expect(pool.threadIds[0]).toBe(first);
      await expect(pool.parse('bomb.perf.gz', () => undefined)).rejects.toEqual(
        expect.objectContaining({ kind: 'too-large' }) as ParseFailure
      );
      expect(pool.threadIds[0]).not.toBe(first);
      // The new worker parses.
      expect((await pool.parse('good.perf', () => undefined)).store.sampleCount).toBe(1);
    } finally {
      await pool.close();
      folder.dispose();
    }
  });
});
