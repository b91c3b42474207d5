/**
 * A profile opened in the browser (a dropped file), answering the panel's queries the way the sidecar answers them —
 * the same engine (heat map on the wall clock, merged flame graphs), the same frame encoding and the same decoding —
 * so the panel cannot tell it from the sidecar's data source. It offers what the panel uses: runQuery (focus
 * included), folded, listProfiles, interpolate (and query, for completeness).
 */
import {
  DataFrame,
  DataFrameJSON as GrafanaFrameJSON,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourceInstanceSettings,
  ScopedVars,
  TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import {
  addToWallGrid,
  createWallGrid,
  FlameGraphOptions,
  FlameGraphPart,
  foldedText,
  foldStacks,
  mergeFlameGraphs,
  ProfileStore,
  SampleFilter,
  timeSpan,
  toDisplayText,
  WeightMode,
} from '../../profile';
import { DataFrameJSON, flameGraphFrame, FrameMeta, heatmapCellsFrame, Notice } from '../../dataframes/frames';
import { decodeFrame } from '../../datasource/frames';
import { buildRequest, QueryError } from '../../datasource/request';
import { FlameScopeOptions, FlameScopeQuery, ProfileEntry } from '../../datasource/types';
import type { WallClockAnchor } from '../../../sidecar/profiles/anchor';
import { instanceSettings } from '../settings';

export interface LocalProfile {
  /** The id queries name it by (`local/<file name>`). */
  id: string;
  fileName: string;
  size: number;
  lastModified: number;
  store: ProfileStore;
  anchor: WallClockAnchor;
  /** Epoch ms of the first and last samples. */
  firstMs: number;
  lastMs: number;
}

const ANCHOR_TEXT: Record<string, string> = {
  'epoch-timestamps': 'its timestamps are wall-clock time (perf record -k CLOCK_REALTIME)',
  tod: "perf's tod field (wall-clock time of day per sample)",
  'object-metadata': 'metadata',
  'key-pattern': 'the instant in its file name',
  'captured-on': "the header's 'captured on' time (read as UTC), taken as its last sample",
  'last-modified': "the file's last-modified time, taken as its last sample",
};

const LOCAL_TYPE = 'flamescope-local';

export class LocalDataSource extends DataSourceApi<FlameScopeQuery, FlameScopeOptions> {
  constructor(
    readonly profile: LocalProfile,
    uid: string
  ) {
    super(localSettings(uid, profile.fileName));
  }

  async query(request: DataQueryRequest<FlameScopeQuery>): Promise<DataQueryResponse> {
    const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    const data: DataFrame[] = [];
    const errors: DataQueryError[] = [];
    for (const target of request.targets.filter((t) => !t.hide)) {
      try {
        data.push(await this.runQuery(target, range, request.scopedVars));
      } catch (e) {
        errors.push({ refId: target.refId, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return errors.length > 0 ? { data, errors, error: errors[0] } : { data };
  }

  async runQuery(
    query: FlameScopeQuery,
    range: { from: number; to: number },
    scopedVars: ScopedVars = {}
  ): Promise<DataFrame> {
    const request = buildRequest(query, range, (text) => this.interpolate(text, scopedVars));
    const params = request.params;
    const type = query.queryType ?? 'heatmap';
    if (type === 'profiles' || type === 'annotations') {
      throw new QueryError('profile tables and annotations come from the sidecar, not from a file opened here');
    }
    const { from, to } = this.rangeOf(params);
    const filter = filterOf(params);
    const weight: WeightMode = params.weight === 'period' ? 'period' : 'samples';

    if (type === 'heatmap') {
      const rows = Number(params.rows ?? 50);
      const maxColumns = params.maxColumns !== undefined ? Number(params.maxColumns) : 1000;
      const grid = createWallGrid(from, to, rows, maxColumns);
      const total = addToWallGrid(
        grid,
        this.profile.store,
        this.profile.anchor.startEpochMs,
        { fromMs: from, toMs: to },
        filter,
        weight
      );
      return decode(heatmapCellsFrame(grid, this.frameMeta(from, to, { total })), query.refId);
    }

    const part = (fromMs: number, toMs: number): FlameGraphPart => ({
      store: this.profile.store,
      options: { ...filter, ...this.nsRange(fromMs, toMs), weight } as FlameGraphOptions,
    });
    let baseline: FlameGraphPart[] | undefined;
    if (params.baselineFrom !== undefined && params.baselineTo !== undefined) {
      baseline = [part(Number(params.baselineFrom), Number(params.baselineTo))];
    } else if (params.baselineProfile !== undefined) {
      if (params.baselineProfile !== this.profile.id) {
        throw new QueryError(`no such profile here: ${String(params.baselineProfile)}`);
      }
      baseline = [part(Math.floor(this.profile.firstMs), Math.floor(this.profile.lastMs) + 1)];
    }
    const maxNodes = params.maxNodes !== undefined ? Number(params.maxNodes) : 5000;
    const focusPath = list(params.focus);
    const focus =
      focusPath.length > 0
        ? { path: focusPath, maxNodes: params.focusMaxNodes !== undefined ? Number(params.focusMaxNodes) : 50_000 }
        : undefined;
    const fg = mergeFlameGraphs([part(from, to)], baseline, maxNodes, focus);
    const custom: Record<string, unknown> = { total: fg.total };
    if (baseline) {
      custom.diff = 'value/self = baseline + selection; valueRight/selfRight = selection';
    }
    if (focus && fg.focus) {
      custom.focus = { path: focus.path, found: fg.focus.found, droppedNodes: fg.focus.droppedNodes };
    }
    return decode(flameGraphFrame(fg, this.frameMeta(from, to, custom)), query.refId);
  }

  /** The slice's folded stacks, every stack and byte for byte, as the sidecar's /api/v1/folded gives them. */
  async folded(
    query: FlameScopeQuery,
    range: { from: number; to: number },
    scopedVars: ScopedVars = {}
  ): Promise<ArrayBuffer> {
    const { params } = buildRequest({ ...query, queryType: 'flamegraph', baseline: 'none' }, range, (text) =>
      this.interpolate(text, scopedVars)
    );
    const { from, to } = this.rangeOf(params);
    const text = foldedText(
      foldStacks(this.profile.store, {
        filter: filterOf(params),
        allEvents: true,
        ...this.nsRange(from, to),
        byPeriod: params.weight === 'period',
      })
    );
    // Folded names are byte strings (one char per byte): written back byte for byte.
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes.buffer;
  }

  /** The one profile, as the sidecar's catalog would list it. */
  async listProfiles(): Promise<ProfileEntry[]> {
    return [localEntry(this.profile)];
  }

  interpolate(text: string, scopedVars: ScopedVars = {}): string[] {
    const separator = '\u0000';
    const replaced = getTemplateSrv().replace(text, scopedVars, (value: string | string[]) =>
      Array.isArray(value) ? value.join(separator) : value
    );
    return replaced.split(separator);
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    return { status: 'success', message: `${this.profile.fileName}: ${this.profile.store.sampleCount} samples` };
  }

  private nsRange(fromMs: number, toMs: number) {
    const start = this.profile.anchor.startEpochMs;
    return { fromNs: (fromMs - start) * 1e6, toNs: (toMs - start) * 1e6 };
  }

  /** The query's range, once it names this profile (or none) and overlaps it. */
  private rangeOf(params: Record<string, string | string[]>): { from: number; to: number } {
    const ids = list(params.profile);
    if (ids.length > 0 && ids.some((id) => id !== this.profile.id)) {
      throw new QueryError(`no such profile here: ${ids.find((id) => id !== this.profile.id)}`);
    }
    const from = Number(params.from);
    const to = Number(params.to);
    this.checkOverlap(from, to);
    return { from, to };
  }

  /** As the sidecar: a range that misses the profile is an error that says where the profile is. */
  private checkOverlap(from: number, to: number) {
    const { firstMs, lastMs } = this.profile;
    if (to <= firstMs || from > lastMs) {
      throw new QueryError(
        `the range ${iso(from)}–${iso(to)} misses the profile, which covers ${iso(firstMs)}–${iso(lastMs)}`
      );
    }
  }

  private frameMeta(from: number, to: number, custom: Record<string, unknown>): FrameMeta {
    const p = this.profile;
    const notices: Notice[] = [
      {
        severity: p.anchor.method === 'last-modified' ? 'warning' : 'info',
        text: `${p.fileName}: placed on the wall clock by ${ANCHOR_TEXT[p.anchor.method] ?? p.anchor.method} (±${formatPrecision(p.anchor.precisionMs)})`,
      },
      ...p.store.warnings.map((w): Notice => ({
        severity: 'warning',
        text: `${p.fileName}: ${toDisplayText(w.message)} (${w.count}×)`,
      })),
    ];
    return {
      notices,
      custom: {
        ...custom,
        from,
        to,
        // Opened in this browser only: the panel says a link cannot carry it.
        localFile: p.fileName,
        profiles: [{ id: p.id, anchor: p.anchor, from: p.firstMs, to: p.lastMs }],
      },
    };
  }
}

/** Places a parsed store on the wall clock; undefined when it has no timestamps. */
export function localProfile(
  fileName: string,
  size: number,
  lastModified: number,
  store: ProfileStore,
  anchor: WallClockAnchor | undefined
): LocalProfile | undefined {
  const span = timeSpan(store);
  if (!span || !anchor) {
    return undefined;
  }
  return {
    id: `local/${fileName}`,
    fileName,
    size,
    lastModified,
    store,
    anchor,
    firstMs: anchor.startEpochMs + span.firstNs / 1e6,
    lastMs: anchor.startEpochMs + span.lastNs / 1e6,
  };
}

export function localEntry(p: LocalProfile): ProfileEntry {
  return {
    id: p.id,
    size: p.size,
    etag: `${p.size}-${p.lastModified}`,
    lastModified: new Date(p.lastModified).toISOString(),
    status: 'ready',
    host: p.store.header.hostname ? toDisplayText(p.store.header.hostname) : undefined,
    events: p.store.events.map(toDisplayText),
    samples: p.store.sampleCount,
    from: p.firstMs,
    to: p.lastMs,
    spanKnown: true,
    anchor: { method: p.anchor.method, precisionMs: p.anchor.precisionMs, startEpochMs: p.anchor.startEpochMs },
  };
}

export function localSettings(uid: string, name: string): DataSourceInstanceSettings<FlameScopeOptions> {
  return instanceSettings(uid, LOCAL_TYPE, name, { access: 'direct' });
}

/** The engine's frame JSON through the data source's decoder, exactly as a sidecar answer goes. */
function decode(json: DataFrameJSON, refId: string): DataFrame {
  return decodeFrame(json as unknown as GrafanaFrameJSON, refId);
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function filterOf(params: Record<string, string | string[]>): SampleFilter {
  const one = (key: string) => (typeof params[key] === 'string' ? (params[key] as string) : undefined);
  const int = (key: string) => (one(key) === undefined ? undefined : Number(one(key)));
  return {
    includeIdle: one('idle') === 'include',
    event: one('event'),
    cpu: int('cpu'),
    pid: int('pid'),
    tid: int('tid'),
    comm: one('comm'),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function formatPrecision(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${ms * 1000} µs`;
}
