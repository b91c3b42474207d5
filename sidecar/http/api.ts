/**
 * The HTTP API's queries: which profiles a request means, placed on the wall clock, and what to compute from them.
 * Computation runs in slices under the request's signal (a deadline, or the client leaving, stops it). A stitched
 * query (a prefix, or several profiles) leaves out a profile that fails, with a notice naming it and why.
 */
import {
  addToWallGrid,
  createWallGrid,
  FlameGraphOptions,
  FlameGraphPart,
  FoldedStack,
  foldStacksSliced,
  MAX_FLAME_DEPTH,
  mergeFlameGraphsSliced,
  Sliced,
  sortAndMergeFolded,
  timeSpan,
  toDisplayText,
  untimedReason,
  wallMsToNs,
} from '../../src/profile';
import { DataFrameJSON, flameGraphFrame, heatmapCellsFrame, Notice } from '../../src/dataframes/frames';
import { Catalog } from '../profiles/catalog';
import { LoadedProfile, ProfileService } from '../profiles/profile-service';
import { ApiError, badRequest, toApiError } from './errors';
import { runSliced, untilAborted } from './sliced-runner';
import {
  focusParams,
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
  'file-metadata': "the wall-clock start the file itself states (a Chrome trace's metadata.startTime)",
  tod: "perf's tod field (wall-clock time of day per sample)",
  'object-metadata': 'the object metadata x-amz-meta-flamescope-start',
  'key-pattern': 'the instant in its key',
  'captured-on': "the header's 'captured on' time, taken as its last sample",
  'last-modified': "the object's last-modified time, taken as its last sample",
};

export interface PlacedProfile {
  profile: LoadedProfile;
  /** Wall-clock span, epoch ms (NaN when untimed). */
  firstMs: number;
  lastMs: number;
  /**
   * A profile without timestamps (folded stacks) named alone in a flame-graph or folded query: it has no place in
   * time, so it is served whole, whatever the range.
   */
  untimed?: boolean;
}

/** The profiles a query resolved to, and those it had to leave out (as notices). */
export interface Resolved {
  placed: PlacedProfile[];
  leftOut: Notice[];
}

/** What a query is doing, for the timeout's message: waiting for a parse is not the same as computing too long. */
export interface QueryContext {
  signal: AbortSignal;
  stage: 'waiting' | 'loading' | 'computing';
}

export class Api {
  constructor(
    private readonly profiles: ProfileService,
    private readonly catalog: Catalog
  ) {}

  /**
   * Loads and places the profiles a selection names. One named profile must load and have timestamps — or, with
   * `untimed: 'whole'` (flame graphs, folded stacks), may have none and is served whole; of several (a prefix, or
   * repeated `profile`), those that fail are left out with a notice, and only when none is left is it an error (the
   * first failure's).
   */
  async resolve(selection: Selection, ctx: QueryContext, untimed: 'refuse' | 'whole' = 'refuse'): Promise<Resolved> {
    let ids = selection.profiles;
    if (ids.length === 0) {
      const entries = await untilAborted(
        this.catalog.list(selection.prefix ?? '', { from: selection.from!, to: selection.to! }, false),
        ctx.signal
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
    const stitched = ids.length > 1 || selection.profiles.length === 0;
    ctx.stage = 'loading';
    const outcomes = await untilAborted(
      Promise.allSettled(ids.map((id) => this.profiles.load(id, selection.format))),
      ctx.signal
    );
    ctx.stage = 'computing';
    const placed: PlacedProfile[] = [];
    const leftOut: Notice[] = [];
    let firstFailure: ApiError | undefined;
    outcomes.forEach((outcome, i) => {
      let failure: ApiError;
      if (outcome.status === 'fulfilled') {
        const p = outcome.value;
        const span = timeSpan(p.store);
        if (span && p.anchor) {
          placed.push({
            profile: p,
            firstMs: p.anchor.startEpochMs + span.firstNs / 1e6,
            lastMs: p.anchor.startEpochMs + span.lastNs / 1e6,
          });
          return;
        }
        if (untimed === 'whole' && !stitched && !p.store.hasTimestamps && p.store.sampleCount > 0) {
          placed.push({ profile: p, firstMs: NaN, lastMs: NaN, untimed: true });
          return;
        }
        failure = new ApiError(422, 'no_timestamps', noTimestampsMessage(p));
      } else {
        failure = toApiError(outcome.reason);
        if (failure.status >= 500 && failure.error === 'internal') {
          throw outcome.reason; // a bug, not a bad profile: logged as one
        }
      }
      firstFailure ??= failure;
      leftOut.push({ severity: 'warning', text: `${ids[i]}: left out — ${failure.message}` });
    });
    if (placed.length === 0 && firstFailure) {
      if (!stitched) {
        throw firstFailure;
      }
      const which = selection.profiles.length > 0 ? 'profiles named' : `profiles under "${selection.prefix ?? ''}"`;
      throw new ApiError(
        firstFailure.status,
        firstFailure.error,
        `none of the ${ids.length} ${which} could be used; the first: ${firstFailure.message}`,
        firstFailure.retryAfterSeconds
      );
    }
    return { placed, leftOut };
  }

  /** The query range, or the union of the profiles' spans; 416 when it misses every profile. */
  range(selection: Selection, placed: PlacedProfile[]): { from: number; to: number } {
    if (placed.length > 0 && placed.every((p) => p.untimed)) {
      // Nothing to place: the range (if any) is echoed, and the profiles are served whole.
      return { from: selection.from ?? NaN, to: selection.to ?? NaN };
    }
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

  async heatmap(q: Query, ctx: QueryContext): Promise<DataFrameJSON> {
    const selection = selectionParams(q);
    const rows = rowsParam(q);
    const maxColumns = integerParam(q, 'maxColumns', 1, 10_000) ?? 1000;
    const { placed, leftOut } = await this.resolve(selection, ctx);
    const range = this.range(selection, placed);
    const grid = createWallGrid(range.from, range.to, rows, maxColumns);
    const total = await runSliced(
      (function* () {
        let sum = 0;
        for (const p of placed) {
          sum += addToWallGrid(
            grid,
            p.profile.store,
            p.profile.anchor!.startEpochMs,
            { fromMs: range.from, toMs: range.to },
            selection.filter,
            selection.weight
          );
          yield;
        }
        return sum;
      })(),
      ctx.signal
    );
    return heatmapCellsFrame(grid, this.meta(placed, range, { total }, leftOut), 'short');
  }

  async flamegraph(q: Query, ctx: QueryContext): Promise<DataFrameJSON> {
    const selection = selectionParams(q);
    const maxNodes = integerParam(q, 'maxNodes', 1, MAX_NODES) ?? 5000;
    const focus = focusParams(q, MAX_NODES);
    const { placed, leftOut } = await this.resolve(selection, ctx, 'whole');
    const range = this.range(selection, placed);
    const parts = this.parts(placed, range, selection);
    const baseline = await this.baseline(q, selection, placed, ctx);
    const fg = await runSliced(mergeFlameGraphsSliced(parts, baseline, maxNodes, focus), ctx.signal);
    const custom: Record<string, unknown> = { total: fg.total };
    if (baseline) {
      custom.diff = 'value/self = baseline + selection; valueRight/selfRight = selection';
    }
    const notices = [...leftOut];
    if (focus && fg.focus) {
      custom.focus = { path: focus.path, found: fg.focus.found, droppedNodes: fg.focus.droppedNodes };
      if (!fg.focus.found) {
        notices.push({
          severity: 'info',
          text: `the frame to show in full (${focus.path[focus.path.length - 1]}) is not in this slice: the graph is pruned as usual`,
        });
      }
    }
    if (fg.elidedWeight > 0) {
      notices.push({
        severity: 'info',
        text:
          `${fg.elidedWeight} of ${fg.total} ${selection.weight === 'period' ? 'period' : 'samples'} had stacks deeper ` +
          `than ${MAX_FLAME_DEPTH} frames: their middle frames are drawn as one "[… N frames elided]" frame`,
      });
    }
    // Typed columns: the body encoder writes them in pieces, with no array of every value made first.
    return flameGraphFrame(fg, this.meta(placed, range, custom, notices), 'short', 'typed');
  }

  /** Folded stacks (FlameGraph's format) of the selection as byte-string lines, with the anchoring used. */
  async folded(q: Query, ctx: QueryContext): Promise<{ lines: string[]; anchors: string; leftOut: Notice[] }> {
    const selection = selectionParams(q);
    const { placed, leftOut } = await this.resolve(selection, ctx, 'whole');
    const range = this.range(selection, placed);
    const lines = await runSliced(foldedLines(placed, range, selection), ctx.signal);
    return {
      lines,
      anchors: placed
        .map((p) =>
          p.untimed
            ? `${p.profile.key}=untimed`
            : `${p.profile.key}=${p.profile.anchor!.method};precision=${p.profile.anchor!.precisionMs}ms`
        )
        .join(', '),
      leftOut,
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
    placed: PlacedProfile[],
    ctx: QueryContext
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
        : (await this.resolve({ ...selection, profiles: [baselineProfile], from, to }, ctx, 'whole')).placed;
    const range =
      from !== undefined && to !== undefined
        ? { from, to }
        : this.range({ ...selection, from: undefined, to: undefined }, base);
    return this.parts(base, range, selection);
  }

  private meta(
    placed: PlacedProfile[],
    range: { from: number; to: number },
    custom: Record<string, unknown>,
    extraNotices: Notice[] = []
  ) {
    const notices: Notice[] = [...extraNotices];
    for (const p of placed) {
      const a = p.profile.anchor;
      if (p.untimed || !a) {
        notices.push({
          severity: 'info',
          text: `${p.profile.key}: ${untimedReason(p.profile.store)}, so the whole profile is shown, whatever the time range`,
        });
      } else {
        notices.push({
          severity: a.method === 'last-modified' ? 'warning' : 'info',
          text: `${p.profile.key}: placed on the wall clock by ${ANCHOR_TEXT[a.method]} (±${formatPrecision(a.precisionMs)})`,
        });
      }
      for (const w of p.profile.store.warnings) {
        notices.push({ severity: 'warning', text: `${p.profile.key}: ${toDisplayText(w.message)} (${w.count}×)` });
      }
    }
    return {
      notices,
      custom: {
        ...custom,
        from: finite(range.from),
        to: finite(range.to),
        profiles: placed.map((p) => ({
          id: p.profile.key,
          etag: p.profile.info.etag,
          format: p.profile.store.format,
          anchor: p.profile.anchor,
          from: finite(p.firstMs),
          to: finite(p.lastMs),
        })),
      },
    };
  }
}

/** The largest flame graph served: ~100 bytes of JSON a node, so 200 000 nodes is ~20 MB. */
export const MAX_NODES = 200_000;

/** Folded lines of several profiles' ranges, merged by stack and sorted bytewise (each line ends in a newline). */
function* foldedLines(
  placed: PlacedProfile[],
  range: { from: number; to: number },
  selection: Selection
): Sliced<string[]> {
  let stacks: FoldedStack[] = [];
  for (const p of placed) {
    const ns = toNsRange(p, range);
    const folded = yield* foldStacksSliced(p.profile.store, {
      filter: selection.filter,
      allEvents: true,
      fromNs: ns.fromNs,
      toNs: ns.toNs,
      byPeriod: selection.weight === 'period',
    });
    stacks = stacks.length === 0 ? folded : stacks.concat(folded);
  }
  // Each profile's lines are sorted and merged already; several profiles' lines are merged again.
  if (placed.length > 1) {
    stacks = yield* sortAndMergeFolded(stacks);
  }
  const lines: string[] = new Array(stacks.length);
  for (let i = 0; i < stacks.length; i++) {
    lines[i] = `${stacks[i].stack} ${stacks[i].weight}\n`;
    if ((i & 4095) === 4095) {
      yield;
    }
  }
  return lines;
}

/** The sentence for a profile that cannot be placed in time (a heat map, or a stitched query). */
function noTimestampsMessage(p: LoadedProfile): string {
  if (p.store.format === 'folded') {
    return (
      `${untimedReason(p.store)}: ${p.key} cannot be placed in time, so it has no heat map ` +
      '(its flame graph and folded stacks cover the whole profile)'
    );
  }
  return `profile ${p.key} has no timestamps (perf script without the time field), so it cannot be placed in time`;
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/** The range as ns since the profile's start; none for an untimed profile (sampleRange then takes every sample). */
function toNsRange(p: PlacedProfile, range: { from: number; to: number }): { fromNs?: number; toNs?: number } {
  if (p.untimed) {
    return {};
  }
  const start = p.profile.anchor!.startEpochMs;
  const store = p.profile.store;
  return { fromNs: wallMsToNs(store, start, range.from), toNs: wallMsToNs(store, start, range.to) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function formatPrecision(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${ms * 1000} µs`;
}
