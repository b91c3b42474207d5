/**
 * The sidecar that serves this page, as a FlameScope data source (the same class Grafana loads, its data-proxy URL
 * mapped to this origin by the page's BackendSrv), and the catalog helpers the page needs around it.
 */
import { DataSourceInstanceSettings } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { FlameScopeDataSource } from '../datasource/datasource';
import { FlameScopeOptions, ProfileEntry, SIDECAR_ROUTE } from '../datasource/types';
import { retryDelayMs } from './failure';
import { SIDECAR_DS_URL } from './runtime';
import { instanceSettings } from './settings';

export const SIDECAR_UID = 'flamescope-sidecar';
const SIDECAR_TYPE = 'flamescope-flamescope-datasource';

export function sidecarSettings(): DataSourceInstanceSettings<FlameScopeOptions> {
  return instanceSettings(SIDECAR_UID, SIDECAR_TYPE, 'FlameScope sidecar', { url: SIDECAR_DS_URL });
}

export function createSidecarDataSource(): FlameScopeDataSource {
  return new FlameScopeDataSource(sidecarSettings());
}

/** Profiles that can be shown: the catalog less its skipped objects (licences, indexes, unsupported compression). */
export function viewable(entries: ProfileEntry[]): ProfileEntry[] {
  return entries.filter((e) => e.status !== 'skipped');
}

/** A profile's wall-clock span when the catalog knows it (parsed). */
export function knownSpan(entry: ProfileEntry | undefined): { firstMs: number; lastMs: number } | undefined {
  return entry?.spanKnown && entry.from !== undefined && entry.to !== undefined
    ? { firstMs: entry.from, lastMs: entry.to }
    : undefined;
}

interface HeatmapMeta {
  schema?: { meta?: { custom?: { profiles?: Array<{ from?: number; to?: number }> } } };
}

const PARSE_RETRIES = 20;

/**
 * A profile's span when the catalog does not know it yet: a whole-profile heat map of one cell makes the sidecar
 * parse it and answers with its span. A big profile may outlast the sidecar's request timeout (504): ask again.
 */
export async function resolveSpan(id: string): Promise<{ firstMs: number; lastMs: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<HeatmapMeta>({
          url: `${SIDECAR_DS_URL}/${SIDECAR_ROUTE}/api/v1/heatmap`,
          method: 'GET',
          params: { profile: id, rows: '1', maxColumns: '1' },
          showErrorAlert: false,
        })
      );
      const span = response.data.schema?.meta?.custom?.profiles?.[0];
      if (span?.from === undefined || span.to === undefined) {
        throw new Error(`the sidecar did not say when ${id} was recorded`);
      }
      return { firstMs: span.from, lastMs: span.to };
    } catch (e) {
      const delay = retryDelayMs(e);
      if (delay === undefined || attempt >= PARSE_RETRIES) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
