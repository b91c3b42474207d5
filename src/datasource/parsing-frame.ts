/**
 * "Still parsing" as a data frame, the form a Loading response can carry to a panel: Grafana's query runner keeps the
 * previous data for a Loading response without frames and turns any response with `errors` into the Error state, so
 * progress travels as a small frame — one row per profile (`profile`, `parsed`, `size` in bytes: Explore shows it as a
 * table), the wait in a notice (Grafana shows notices in the panel header) and in `meta.custom.parsing`. Pure.
 */
import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { ParseProgress, Wait } from './retry';

export const PARSING_FRAME = 'parsing';

export interface Parsing {
  reason: Wait['reason'];
  /** What to tell the user: the sidecar's sentence and when the next try is. */
  notice: string;
  /** Per profile, when the sidecar said; empty after the data proxy's bare 504 or a busy sidecar. */
  progress: ParseProgress[];
}

export function parsingFrame(refId: string, wait: Wait): DataFrame {
  const notice = `${wait.message} (trying again in ${Math.round(wait.retryInMs / 1000)} s)`;
  return createDataFrame({
    refId,
    name: PARSING_FRAME,
    fields: [
      { name: 'profile', type: FieldType.string, values: wait.progress.map((p) => p.id) },
      { name: 'parsed', type: FieldType.number, values: wait.progress.map((p) => p.bytesRead), config: BYTES },
      { name: 'size', type: FieldType.number, values: wait.progress.map((p) => p.totalBytes), config: BYTES },
    ],
    meta: {
      preferredVisualisationType: 'table',
      notices: [{ severity: 'info', text: notice }],
      custom: { parsing: { reason: wait.reason, notice, attempt: wait.attempt, waitedMs: wait.waitedMs } },
    },
  });
}

/** The waits in a response's (or a panel's) frames, all profiles together; undefined when nothing is waiting. */
export function parsingOf(series: DataFrame[] | undefined): Parsing | undefined {
  const frames = (series ?? []).filter((f) => f.name === PARSING_FRAME && f.meta?.custom?.parsing);
  if (frames.length === 0) {
    return undefined;
  }
  const progress: ParseProgress[] = [];
  for (const frame of frames) {
    const [ids, read, total] = ['profile', 'parsed', 'size'].map((n) => frame.fields.find((f) => f.name === n));
    for (let i = 0; i < (ids?.values.length ?? 0); i++) {
      progress.push({
        id: String(ids!.values[i]),
        bytesRead: Number(read?.values[i]),
        totalBytes: Number(total?.values[i]),
      });
    }
  }
  const first = frames[0].meta!.custom!.parsing as { reason: Wait['reason']; notice: string };
  const reason = frames.some((f) => f.meta!.custom!.parsing.reason === 'parsing') ? 'parsing' : first.reason;
  return { reason, notice: first.notice, progress };
}

const BYTES = { unit: 'decbytes' };
