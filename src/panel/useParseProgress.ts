/**
 * While the panel's query waits on a profile the sidecar is still parsing (a big one takes seconds to minutes), the
 * progress to show instead of a spinner: "parsing 1.2 of 2.0 GB".
 *
 * Waiting means: the query is Loading, or its data carries the data source's "parsing" frame (the data source asks
 * again until the profile is ready and reports each wait), or it failed with "still parsing" (the sidecar's 503
 * parsing, or the data proxy's bare 504, after the data source gave up). The progress the data source reported comes
 * first; the catalog is polled meanwhile, as it moves on between the data source's tries (seconds apart) and is the
 * only source after a bare 504, which says nothing about progress.
 */
import { LoadingState, PanelData } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import type { FlameScopeDataSource } from '../datasource/datasource';
import { isParsingError } from '../datasource/errors';
import { parsingOf } from '../datasource/parsing-frame';
import type { ParseProgress } from '../datasource/retry';
import type { ProfileEntry } from '../datasource/types';
import { baseQuery } from './useFlameGraph';

export type { ParseProgress } from '../datasource/retry';

const POLL_MS = 500;

/** Whether the panel's data says its query is waiting for a parse (see above). */
export function isWaitingForParse(data: PanelData): boolean {
  return (
    data.state === LoadingState.Loading ||
    parsingOf(data.series) !== undefined ||
    (data.errors ?? []).some((e) => isParsingError(e) || /still parsing|took longer/i.test(e.message ?? ''))
  );
}

/**
 * The reported progress, each profile moved on to the catalog's figure when that is further; the catalog's parsing
 * profiles (of the query) when the data source reported none.
 */
export function mergeProgress(reported: ParseProgress[], polled: ParseProgress[]): ParseProgress[] {
  if (reported.length === 0) {
    return polled;
  }
  const latest = new Map(polled.map((p) => [p.id, p]));
  return reported.map((p) => {
    const q = latest.get(p.id);
    return q && q.bytesRead > p.bytesRead ? { ...p, bytesRead: q.bytesRead, totalBytes: q.totalBytes } : p;
  });
}

export function useParseProgress(data: PanelData): ParseProgress[] {
  // Kept with the key it was polled for: a new query starts from nothing.
  const [polled, setPolled] = useState<{ key: string; progress: ParseProgress[] }>({ key: '', progress: [] });
  const waiting = isWaitingForParse(data);
  const reported = parsingOf(data.series)?.progress ?? [];
  const base = baseQuery(data);
  const key = JSON.stringify([waiting, base?.datasource, base?.profiles, base?.prefix]);

  useEffect(() => {
    if (!waiting || !base) {
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const ds = (await getDataSourceSrv().get(base.datasource)) as FlameScopeDataSource;
        const scopedVars = data.request?.scopedVars;
        const ids = new Set((base.profiles ?? []).flatMap((p) => ds.interpolate(p, scopedVars)));
        const prefix = base.prefix !== undefined ? (ds.interpolate(base.prefix, scopedVars)[0] ?? '') : '';
        const entries: ProfileEntry[] = await ds.listProfiles(prefix);
        if (!stopped) {
          setPolled({
            key,
            progress: entries
              .filter((e) => e.status === 'parsing' && e.progress && (ids.size === 0 || ids.has(e.id)))
              .map((e) => ({ id: e.id, bytesRead: e.progress!.bytesRead, totalBytes: e.progress!.totalBytes })),
          });
        }
      } catch {
        // Progress is a nicety: the query's own error says what is wrong.
      }
      if (!stopped) {
        timer = setTimeout(poll, POLL_MS);
      }
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return waiting ? mergeProgress(reported, polled.key === key ? polled.progress : []) : [];
}
