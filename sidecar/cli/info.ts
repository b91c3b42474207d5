/**
 * `flamescope info`: what a profile holds, as one JSON object — header, counts, time span, warnings.
 */
import { ProfileStore, timeSpan, toDisplayText, totalSamples, weightsAreCounts } from '../../src/profile';

/** Exact perf-clock time `sec.fraction` with the precision the profile had. */
export function perfClockText(store: ProfileStore, nsSinceStart: number): string {
  const sec = store.startSec + Math.floor(nsSinceStart / 1e9);
  const ns = nsSinceStart - Math.floor(nsSinceStart / 1e9) * 1e9;
  const digits = store.timePrecisionDigits || 6;
  return `${sec}.${String(ns).padStart(9, '0').slice(0, digits)}`;
}

export function profileInfo(store: ProfileStore) {
  const c = store.contexts;
  const eventSamples = new Array<number>(store.events.length).fill(0);
  const cpus = new Set<number>();
  const pids = new Set<number>();
  const threads = new Set<number>();
  const contextSamples = new Float64Array(c.count);
  // A folded line stands for as many samples as its count.
  const counts = weightsAreCounts(store) ? store.weight : null;
  for (let i = 0; i < store.sampleCount; i++) {
    contextSamples[store.context[i]] += counts === null ? 1 : counts[i];
  }
  let idleSamples = 0;
  const stacks = new Set<number>();
  for (let i = 0; i < c.count; i++) {
    if (contextSamples[i] === 0) {
      continue;
    }
    stacks.add(c.stack[i]);
    eventSamples[c.event[i]] += contextSamples[i];
    if (c.cpu[i] >= 0) {
      cpus.add(c.cpu[i]);
    }
    const t = c.thread[i];
    if (store.threads.pid[t] >= 0) {
      pids.add(store.threads.pid[t]);
    }
    threads.add(t);
    if (c.idle[i]) {
      idleSamples += contextSamples[i];
    }
  }
  const span = timeSpan(store);
  const h = store.header;
  return {
    format: store.format,
    bytes: store.bytesRead,
    header: {
      capturedOn: text(h.capturedOn),
      hostname: text(h.hostname),
      osRelease: text(h.osRelease),
      perfVersion: text(h.perfVersion),
      arch: text(h.arch),
      nrcpusOnline: h.nrcpusOnline,
      nrcpusAvailable: h.nrcpusAvailable,
      cpuDescription: text(h.cpuDescription),
      cmdline: text(h.cmdline),
      events: h.events.map(toDisplayText),
      timeOfFirstSample: text(h.timeOfFirstSample),
      timeOfLastSample: text(h.timeOfLastSample),
    },
    samples: totalSamples(store),
    idleSamples,
    events: store.events.map((name, i) => ({ name: toDisplayText(name), samples: eventSamples[i] })),
    cpus: cpus.size,
    processes: pids.size,
    threads: threads.size,
    uniqueFrames: store.frames.count,
    uniqueStacks: stacks.size,
    stackTrieNodes: store.stacks.count - 1,
    hasPeriods: store.hasPeriods,
    time: span
      ? {
          start: store.startSec,
          firstSample: perfClockText(store, span.firstNs),
          lastSample: perfClockText(store, span.lastNs),
          durationSeconds: (span.lastNs - span.firstNs) / 1e9,
          precisionDigits: store.timePrecisionDigits,
        }
      : null,
    warnings: store.warnings,
  };
}

function text(s: string | undefined): string | undefined {
  return s === undefined ? undefined : toDisplayText(s);
}
