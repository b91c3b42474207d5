/**
 * Hostile input: a sample header whose timestamp is negative (`-1.500000:`, which perf never prints). It is read as
 * a bad timestamp — the sample and its frames are dropped and counted in one `bad-timestamp` warning — and never as
 * an event named `-1.500000`.
 */
import { parseProfile, ProfileStore } from '../../src/profile';
import { allSamples, firstDifference, latin1, parseInChunks, perfText, warningCount } from '../helpers/profile-views';

function parseText(text: string): ProfileStore {
  return parseProfile(latin1(text));
}

const GOOD_BEFORE = perfText([
  { comm: 'app', pid: 123, tid: 123, cpu: 0, time: '1.000001', frames: ['good (/bin/a)'] },
]);
const GOOD_AFTER = perfText([{ comm: 'app', pid: 123, tid: 123, cpu: 0, time: '2.000001', frames: ['good (/bin/a)'] }]);

describe('a negative timestamp', () => {
  it('drops the sample with its frames, counted in a bad-timestamp warning; the event is not "-1.500000"', () => {
    const bad = 'app 123/123 [000] -1.500000: cpu-clock:\n\t4005d0 evil (/bin/evil)\n\t4005e0 main (/bin/evil)\n\n';
    const store = parseText(GOOD_BEFORE + bad + GOOD_AFTER);

    expect(store.sampleCount).toBe(2);
    expect(store.events).toEqual(['cycles']);
    expect(store.events).not.toContain('-1.500000');
    expect(store.startSec).toBe(1);
    expect(allSamples(store).map((s) => [s.comm, s.event, s.timeNs])).toEqual([
      ['app', 'cycles', 1_000],
      ['app', 'cycles', 1_000_001_000],
    ]);
    // Nothing of the dropped sample is kept: no frame, no event.
    expect(store.frames.name.slice(0, store.frames.count)).not.toContain('evil');
    expect(store.frames.dso.slice(0, store.frames.count)).not.toContain('/bin/evil');

    const w = store.warnings.find((x) => x.code === 'bad-timestamp')!;
    expect(w).toBeDefined();
    expect(w.count).toBe(1);
    // The header line of the bad sample: GOOD_BEFORE is 3 lines.
    expect(w.firstLine).toBe(4);
    expect(w.message).toMatch(/negative timestamp/);
    expect(w.message).not.toMatch(/\n/);
    // Its frames are consumed as frames, not reported as stray lines; the timed samples stay timed.
    expect(store.warnings.map((x) => x.code)).toEqual(['bad-timestamp']);
    expect(store.hasTimestamps).toBe(true);
  });

  it('is recognised in every header layout: period, no cpu, no pid, comm with spaces, tabs, single-line samples', () => {
    const layouts = [
      'app 123/123 [000] -1.500000: cpu-clock:\n\t4005d0 evil (/bin/evil)\n\n',
      'app 123/123 [000] -0.000001: 250000 cycles:\n\t4005d0 evil (/bin/evil)\n\n',
      'app 123 -12.5: cycles:\n\t4005d0 evil (/bin/evil)\n\n',
      'app -3.250000: cycles:\n\t4005d0 evil (/bin/evil)\n\n',
      'Worker 1 77/78 [003] -99.000001: cycles:\n\t4005d0 evil (/bin/evil)\n\n',
      'app\t123/123\t[000]\t-1.500000:\tcycles:\n\t4005d0 evil (/bin/evil)\n\n',
      'app 123/123 [000] -1.500000: cycles:  4005d0 evil (/bin/evil)\n\n',
      'app 123/123 [000] -1.500000: sched:sched_switch: prev_comm=evil prev_pid=1\n\t4005d0 evil (/bin/evil)\n\n',
    ];
    for (const layout of layouts) {
      const store = parseText(GOOD_BEFORE + layout + GOOD_AFTER);
      const summary = {
        layout,
        samples: store.sampleCount,
        badTimestamp: warningCount(store, 'bad-timestamp'),
        codes: store.warnings.map((w) => w.code),
        events: store.events,
        frames: store.frames.name.slice(0, store.frames.count),
      };
      expect(summary).toEqual({
        layout,
        samples: 2,
        badTimestamp: 1,
        codes: ['bad-timestamp'],
        events: ['cycles'],
        frames: expect.not.arrayContaining(['evil']),
      });
    }
  });

  it('counts every dropped sample; a profile of only negative timestamps has no samples', () => {
    const bad = (t: string) => `app 1/1 [000] -${t}: cycles:\n\t4005d0 evil (/bin/evil)\n\n`;
    const store = parseText(bad('3.000001') + bad('2.000001') + bad('1.000001'));
    expect(store.sampleCount).toBe(0);
    expect(warningCount(store, 'bad-timestamp')).toBe(3);
    expect(store.warnings.find((w) => w.code === 'bad-timestamp')!.firstLine).toBe(1);
    expect(store.warnings.map((w) => w.code).sort()).toEqual(['bad-timestamp', 'no-samples']);
  });

  it('does not make the other samples "mixed" or untimed, and back-to-back headers still split samples', () => {
    // No blank line between the bad sample and the next header: the next header ends the dropped sample.
    const text =
      GOOD_BEFORE.replace(/\n\n$/, '\n') + 'app 1/1 [000] -1.5: cycles:\n\t4005d0 evil (/bin/evil)\n' + GOOD_AFTER;
    const store = parseText(text);
    expect(store.sampleCount).toBe(2);
    expect(warningCount(store, 'mixed-timestamps')).toBe(0);
    expect(warningCount(store, 'bad-timestamp')).toBe(1);
    expect(store.time[1] - store.time[0]).toBe(1e9);
  });

  it('a comm that looks like a negative timestamp is still a comm when a real timestamp follows', () => {
    const store = parseText('-1.5: 123/123 [000] 5.000001: cycles:\n\t4005d0 main (/bin/a)\n\n');
    expect(store.sampleCount).toBe(1);
    expect(warningCount(store, 'bad-timestamp')).toBe(0);
    expect(allSamples(store).map((s) => [s.comm, s.pid, s.tid, s.event])).toEqual([['-1.5:', 123, 123, 'cycles']]);
  });

  it('gives the same store however the input is chunked', () => {
    const bytes = latin1(
      GOOD_BEFORE + 'app 123/123 [000] -1.500000: cpu-clock:\n\t4005d0 evil (/bin/evil)\n\n' + GOOD_AFTER
    );
    const whole = parseProfile(bytes);
    for (const sizes of [[1], [2, 3], [7], [64]]) {
      expect(firstDifference(parseInChunks(bytes, sizes), whole)).toBeUndefined();
    }
  });
});
