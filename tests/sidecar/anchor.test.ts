/**
 * Wall-clock anchoring: each method, their precedence, and the time parsing behind them.
 */
import { parseProfile } from '../../src/profile';
import { DEFAULT_KEY_TIME_PATTERN } from '../../sidecar/config';
import {
  anchorProfile,
  instantInKey,
  parseCapturedOn,
  parseInstant,
  parseIsoInstant,
  parseTimeOfDay,
} from '../../sidecar/profiles/anchor';
import { ObjectInfo } from '../../sidecar/storage/types';
import { chromeBytes } from '../helpers/fixtures';
import { perfScript } from './harness';

const options = { keyTimePattern: new RegExp(DEFAULT_KEY_TIME_PATTERN), capturedOnTimeZone: 'UTC' };
const object = (key: string, metadata: Record<string, string> = {}): ObjectInfo => ({
  key,
  size: 1,
  etag: 'e',
  lastModified: new Date(Date.parse('2026-11-17T10:00:00Z')),
  metadata,
});
const twoSamples = perfScript([
  { time: '5000.250000', stack: ['a'] },
  { time: '5010.750000', stack: ['a'] },
]);

/** Epoch ms of the first sample under an anchor. */
function firstSampleMs(text: string, info: ObjectInfo, tz = 'UTC') {
  const store = parseProfile(Buffer.from(text));
  const anchor = anchorProfile(store, info, { ...options, capturedOnTimeZone: tz })!;
  return {
    anchor,
    first: anchor.startEpochMs + store.time[0] / 1e6,
    last: anchor.startEpochMs + store.time[store.sampleCount - 1] / 1e6,
  };
}

describe('anchoring', () => {
  it('uses epoch timestamps as they are (perf record -k CLOCK_REALTIME)', () => {
    const { anchor, first } = firstSampleMs(
      perfScript([{ time: '1794907800.123456', stack: ['a'] }]),
      object('2020-01-01T00:00:00Z.perf')
    );
    expect(anchor.method).toBe('epoch-timestamps');
    expect(first).toBeCloseTo(1794907800123.456, 3);
    expect(anchor.precisionMs).toBe(0.001);
  });

  it('uses a wall clock the file states (a Chrome trace’s metadata.startTime) before tod, metadata and the key', () => {
    // A .cpuprofile states none: the stated anchor is what a trace importer sets on the header.
    const store = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));
    const stated = Date.parse('2026-11-17T09:30:00.250Z');
    store.header.wallClock = { epochMs: stated, sec: store.startSec, nsec: store.time[0] };
    store.header.timeOfDay = { wallClock: '2020-01-01 00:00:00.000000', sec: store.startSec, nsec: 0 };
    const anchor = anchorProfile(
      store,
      object('x/2020-01-01T00:00:00Z.json', { 'flamescope-start': '2021-01-01T00:00:00Z' }),
      options
    )!;
    expect(anchor.method).toBe('file-metadata');
    expect(anchor.precisionMs).toBe(1);
    expect(anchor.startEpochMs + store.time[0] / 1e6).toBe(stated);
    // Without it, a .cpuprofile is placed like perf: by the key.
    const plain = parseProfile(chromeBytes('Chrome-65-simple.cpuprofile'));
    const byKey = anchorProfile(plain, object('x/2026-11-17T09:30:00Z.cpuprofile'), options)!;
    expect(byKey.method).toBe('key-pattern');
    expect(byKey.startEpochMs + plain.time[0] / 1e6).toBe(Date.parse('2026-11-17T09:30:00Z'));
  });

  it('prefers epoch timestamps to a wall clock the file states', () => {
    const store = parseProfile(Buffer.from(perfScript([{ time: '1794907800.123456', stack: ['a'] }])));
    store.header.wallClock = { epochMs: 0, sec: store.startSec, nsec: 0 };
    expect(anchorProfile(store, object('a.perf'), options)!.method).toBe('epoch-timestamps');
  });

  it("uses perf's tod field, in the configured time zone", () => {
    const text = 'app 100/100 [000] 2026-11-17 09:30:00.250000 5000.250000: cycles: \n\t 400 main (/bin/app)\n\n';
    const store = parseProfile(Buffer.from(text));
    expect(store.header.timeOfDay).toEqual({ wallClock: '2026-11-17 09:30:00.250000', sec: 5000, nsec: 250_000_000 });
    expect(store.threads.comm[0]).toBe('app');
    expect(store.contexts.cpu[0]).toBe(0);
    const utc = firstSampleMs(text, object('x/2020-01-01T00:00:00Z.perf'));
    expect(utc.anchor.method).toBe('tod');
    expect(utc.first).toBe(Date.parse('2026-11-17T09:30:00.250Z'));
    const berlin = firstSampleMs(text, object('x.perf'), 'Europe/Berlin');
    expect(berlin.first).toBe(Date.parse('2026-11-17T08:30:00.250Z'));
  });

  it('prefers object metadata over the key, and the key over captured-on', () => {
    const header = '# ========\n# captured on: Tue Nov 17 12:00:00 2026\n# ========\n#\n';
    const meta = firstSampleMs(
      header + twoSamples,
      object('svc/2026-11-17T09:30:00Z.perf', { 'flamescope-start': '2026-11-17T09:00:00Z' })
    );
    expect(meta.anchor.method).toBe('object-metadata');
    expect(meta.first).toBe(Date.parse('2026-11-17T09:00:00Z'));
    const key = firstSampleMs(header + twoSamples, object('svc/2026-11-17T09:30:00Z.perf'));
    expect(key.anchor.method).toBe('key-pattern');
    expect(key.first).toBe(Date.parse('2026-11-17T09:30:00Z'));
    const captured = firstSampleMs(header + twoSamples, object('svc/capture.perf'));
    expect(captured.anchor.method).toBe('captured-on');
    expect(captured.last).toBe(Date.parse('2026-11-17T12:00:00Z'));
  });

  it("reads 'captured on' in the configured time zone, across DST", () => {
    expect(parseCapturedOn('Thu Jul  9 17:14:37 2015', 'UTC')).toBe(Date.parse('2015-07-09T17:14:37Z'));
    expect(parseCapturedOn('Thu Jul  9 17:14:37 2015', 'America/Los_Angeles')).toBe(Date.parse('2015-07-10T00:14:37Z'));
    expect(parseCapturedOn('Sun Jan 11 17:14:37 2015', 'America/Los_Angeles')).toBe(Date.parse('2015-01-12T01:14:37Z'));
    expect(parseCapturedOn('not a date', 'UTC')).toBeUndefined();
  });

  it('falls back to the last-modified time as the last sample, with a coarse precision', () => {
    const { anchor, last } = firstSampleMs(twoSamples, object('svc/capture.perf'));
    expect(anchor.method).toBe('last-modified');
    expect(last).toBe(Date.parse('2026-11-17T10:00:00Z'));
    expect(anchor.precisionMs).toBeGreaterThanOrEqual(60_000);
  });

  it('finds instants in keys in the usual spellings', () => {
    const re = new RegExp(DEFAULT_KEY_TIME_PATTERN);
    expect(instantInKey('api-7f9c/2026-11-17T09:30:00Z.perf.gz', re)).toBe(Date.parse('2026-11-17T09:30:00Z'));
    expect(instantInKey('a/2026-11-17T09-30-00Z.perf', re)).toBe(Date.parse('2026-11-17T09:30:00Z'));
    expect(instantInKey('a/20261117T093000Z.perf', re)).toBe(Date.parse('2026-11-17T09:30:00Z'));
    expect(instantInKey('a/2026-11-17T10:30:00.500+01:00.perf', re)).toBe(Date.parse('2026-11-17T09:30:00.500Z'));
    expect(instantInKey('a/no-time.perf', re)).toBeUndefined();
    expect(instantInKey('a/2026-11-17.perf', re)).toBeUndefined();
  });

  it('parses instants as ISO-8601 or epoch seconds/milliseconds', () => {
    expect(parseInstant('1794907800')).toBe(1794907800000);
    expect(parseInstant('1794907800000')).toBe(1794907800000);
    expect(parseInstant('2026-11-17T09:30:00Z')).toBe(1794907800000);
    expect(parseInstant('yesterday')).toBeUndefined();
    expect(parseIsoInstant('2026-11-17T09:30:00')).toBeUndefined(); // no zone: ambiguous
    expect(parseTimeOfDay('2026-11-17 09:30:00', 'UTC')).toBe(1794907800000);
  });
});
