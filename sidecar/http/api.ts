/**
 * The HTTP API's queries: which profiles a request means, placed on the wall clock, and what to compute from them.
 */
import {
  addToWallGrid,
  createWallGrid,
  FlameGraphOptions,
  FlameGraphPart,
  foldStacks,
  mergeFlameGraphs,
  timeSpan,
  toDisplayText,
} from '../../src/profile';
import { DataFrameJSON, flameGraphFrame, heatmapCellsFrame, Notice } from '../../src/dataframes/frames';
import { Catalog } from '../profiles/catalog';
import { LoadedProfile, ProfileService } from '../profiles/profile-service';
import { ApiError, badRequest } from './errors';
import {
  integerParam,
  MAX_PROFILES_PER_QUERY,
  Query,
  rowsParam,
  selectionParams,
  Selection,
  single,
  timeParam,
} from './query';

const ANCHOR_TEXT: Record<string, string> = {
  'epoch-timestamps': 'its timestamps are wall-clock time (perf record -k CLOCK_REALTIME)',
  tod: "perf's tod field (wall-clock time of day per sample)",
  'object-metadata': 'the object metadata x-amz-meta-flamescope-start',
  'key-pattern': 'the instant in its key',
  'captured-on': "the header's 'captured on' time, taken as its last sample",
  'last-modified': "the object's last-modified time, taken as its last sample",
};

export interface PlacedProfile {
  profile: LoadedProfile;
  /** Wall-clock span, epoch ms. */
  firstMs: number;
  lastMs: number;
}

export class Api {
  constructor(
    private readonly profiles: ProfileService,
    private readonly catalog: Catalog
  ) {}

  /** Loads and places the profiles a selection names; every one must have timestamps. */
  async resolve(selection: Selection): Promise<PlacedProfile[]> {
    let ids = selection.profiles;
    if (ids.length === 0) {
      const entries = await this.catalog.list(
        selection.prefix ?? '',
        { from: selection.from!, to: selection.to! },
        false
      );
      if (entries.length > MAX_PROFILES_PER_QUERY) {
        throw new ApiError(
          413,
          'too_many_profiles',
          `${entries.length} profiles overlap the range (at most ${MAX_PROFILES_PER_QUERY}): narrow the range or the prefix`
        );
      }
      ids = entries.map((e) => e.id);
    }
    const loaded = await Promise.all(ids.map((id) => this.profiles.load(id)));
    const placed: PlacedProfile[] = [];
    for (const p of loaded) {
      const span = timeSpan(p.store);
      if (!span || !p.anchor) {
        if (selection.profiles.length > 0) {
          throw new ApiError(
            422,
            'no_timestamps',
            `profile ${p.key} has no timestamps (perf script without the time field), so it cannot be placed in time`
          );
        }
        continue; // stitching a prefix: leave it out
      }
      placed.push({
        profile: p,
        firstMs: p.anchor.startEpochMs + span.firstNs / 1e6,
        lastMs: p.anchor.startEpochMs + span.lastNs / 1e6,
      });
    }
    return placed;
  }

  /** The query range, or the union of the profiles' spans; 416 when it misses every profile. */
  range(selection: Selection, placed: PlacedProfile[]): { from: number; to: number } {
    if (placed.length === 0) {
      throw new ApiError(
        404,
        'not_found',
        `no profiles with timestamps under "${selection.prefix ?? ''}" overlap the range`
      );
    }
    const first = Math.min(...placed.map((p) => p.firstMs));
    const last = Math.max(...placed.map((p) => p.lastMs));
    const from = selection.from ?? Math.floor(first);
    const to = selection.to ?? Math.floor(last) + 1;
    if (to <= first || from > last) {
      throw new ApiError(
        416,
        'range_not_satisfiable',
        `the range ${iso(from)}–${iso(to)} misses the profiles, which cover ${iso(first)}–${iso(last)}`
      );
    }
    return { from, to };
  }

  async heatmap(q: Query): Promise<DataFrameJSON> {
    const selection = selectionParams(q);
    const rows = rowsParam(q);
    const maxColumns = integerParam(q, 'maxColumns', 1, 10_000) ?? 1000;
    const placed = await this.resolve(selection);
    const range = this.range(selection, placed);
    const grid = createWallGrid(range.from, range.to, rows, maxColumns);
    let total = 0;
    for (const p of placed) {
      total += addToWallGrid(
        grid,
        p.profile.store,
        p.profile.anchor!.startEpochMs,
        { fromMs: range.from, toMs: range.to },
        selection.filter,
        selection.weight
      );
    }
    return heatmapCellsFrame(
      grid,
      this.meta(placed, range, { total }),
      selection.weight === 'period' ? 'short' : 'short'
    );
  }

  async flamegraph(q: Query): Promise<DataFrameJSON> {
    const selection = selectionParams(q);
    const maxNodes = integerParam(q, 'maxNodes', 1, 1_000_000) ?? 5000;
    const placed = await this.resolve(selection);
    const range = this.range(selection, placed);
    const parts = this.parts(placed, range, selection);
    const baseline = await this.baseline(q, selection, placed);
    const fg = mergeFlameGraphs(parts, baseline, maxNodes);
    const custom: Record<string, unknown> = { total: fg.total };
    if (baseline) {
      custom.diff = 'value/self = baseline + selection; valueRight/selfRight = selection';
    }
    return flameGraphFrame(fg, this.meta(placed, range, custom));
  }

  /** Folded stacks (FlameGraph's format) of the selection, with the anchoring used. */
  async folded(q: Query): Promise<{ text: string; anchors: string }> {
    const selection = selectionParams(q);
    const placed = await this.resolve(selection);
    const range = this.range(selection, placed);
    const merged = new Map<string, number>();
    for (const p of placed) {
      const ns = toNsRange(p, range);
      for (const s of foldStacks(p.profile.store, {
        filter: selection.filter,
        allEvents: true,
        fromNs: ns.fromNs,
        toNs: ns.toNs,
        byPeriod: selection.weight === 'period',
      })) {
        merged.set(s.stack, (merged.get(s.stack) ?? 0) + s.weight);
      }
    }
    let text = '';
    for (const key of [...merged.keys()].sort()) {
      text += `${key} ${merged.get(key)}\n`;
    }
    return {
      text,
      anchors: placed
        .map((p) => `${p.profile.key}=${p.profile.anchor!.method};precision=${p.profile.anchor!.precisionMs}ms`)
        .join(', '),
    };
  }

  private parts(placed: PlacedProfile[], range: { from: number; to: number }, selection: Selection): FlameGraphPart[] {
    return placed.map((p) => ({
      store: p.profile.store,
      options: { ...selection.filter, ...toNsRange(p, range), weight: selection.weight } as FlameGraphOptions,
    }));
  }

  /** `baselineFrom`/`baselineTo` (same profiles, another range) and/or `baselineProfile` (another profile). */
  private async baseline(
    q: Query,
    selection: Selection,
    placed: PlacedProfile[]
  ): Promise<FlameGraphPart[] | undefined> {
    const baselineProfile = single(q, 'baselineProfile');
    const from = timeParam(q, 'baselineFrom');
    const to = timeParam(q, 'baselineTo');
    if (baselineProfile === undefined && from === undefined && to === undefined) {
      return undefined;
    }
    if ((from === undefined) !== (to === undefined)) {
      throw badRequest('give both "baselineFrom" and "baselineTo", or neither');
    }
    if (from !== undefined && to !== undefined && to <= from) {
      throw badRequest('"baselineTo" must be after "baselineFrom"');
    }
    const base =
      baselineProfile === undefined
        ? placed
        : await this.resolve({ ...selection, profiles: [baselineProfile], from, to });
    const range =
      from !== undefined && to !== undefined
        ? { from, to }
        : this.range({ ...selection, from: undefined, to: undefined }, base);
    return this.parts(base, range, selection);
  }

  private meta(placed: PlacedProfile[], range: { from: number; to: number }, custom: Record<string, unknown>) {
    const notices: Notice[] = [];
    for (const p of placed) {
      const a = p.profile.anchor!;
      notices.push({
        severity: a.method === 'last-modified' ? 'warning' : 'info',
        text: `${p.profile.key}: placed on the wall clock by ${ANCHOR_TEXT[a.method]} (±${formatPrecision(a.precisionMs)})`,
      });
      for (const w of p.profile.store.warnings) {
        notices.push({ severity: 'warning', text: `${p.profile.key}: ${toDisplayText(w.message)} (${w.count}×)` });
      }
    }
    return {
      notices,
      custom: {
        ...custom,
        from: range.from,
        to: range.to,
        profiles: placed.map((p) => ({
          id: p.profile.key,
          etag: p.profile.info.etag,
          anchor: p.profile.anchor,
          from: p.firstMs,
          to: p.lastMs,
        })),
      },
    };
  }
}

function toNsRange(p: PlacedProfile, range: { from: number; to: number }) {
  const start = p.profile.anchor!.startEpochMs;
  return { fromNs: (range.from - start) * 1e6, toNs: (range.to - start) * 1e6 };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function formatPrecision(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${ms * 1000} µs`;
}
