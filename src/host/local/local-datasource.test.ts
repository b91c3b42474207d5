import { DataFrame, FieldType } from '@grafana/data';
import { setTemplateSrv } from '@grafana/runtime';
import { steadyProfileWithBurst } from '../../../tests/helpers/profile-folder';
import { anchorProfile } from '../../../sidecar/profiles/anchor';
import { parseProfile } from '../../profile';
import { gridFromFrame } from '../../panel/heatmap/grid';
import { treeFromFrame } from '../../panel/flamegraph/tree';
import { FlameNode } from '../../panel/model';
import { HostTemplateSrv } from '../runtime';
import { LocalDataSource, localEntry, localProfile } from './local-datasource';

const T0 = Date.UTC(2026, 10, 17, 9, 30, 0);
const NAME = 'svc-2026-11-17T09:30:00Z.perf';

function source(): LocalDataSource {
  const text = steadyProfileWithBurst().text;
  const store = parseProfile(new TextEncoder().encode(text));
  const anchor = anchorProfile(
    store,
    { key: NAME, size: text.length, etag: '', lastModified: new Date(T0 + 3_600_000) },
    { keyTimePattern: /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)/, capturedOnTimeZone: 'UTC' }
  );
  const profile = localProfile(NAME, text.length, T0 + 3_600_000, store, anchor)!;
  return new LocalDataSource(profile, 'local-1');
}

function names(node: FlameNode): string[] {
  return [node.name, ...node.children.flatMap(names)];
}

beforeAll(() => setTemplateSrv(new HostTemplateSrv()));

describe('a profile opened in the browser', () => {
  it('is placed on the wall clock as the sidecar places it (here: the instant in its name)', () => {
    const ds = source();
    expect(ds.profile.anchor.method).toBe('key-pattern');
    expect(ds.profile.firstMs).toBe(T0);
    expect(ds.profile.lastMs).toBeCloseTo(T0 + 9990, 3);
    expect(localEntry(ds.profile)).toMatchObject({
      id: `local/${NAME}`,
      status: 'ready',
      samples: 1050,
      spanKnown: true,
      from: T0,
    });
  });

  it('answers heat-map queries with the frame the panel reads', async () => {
    const ds = source();
    const frame: DataFrame = await ds.runQuery(
      { refId: 'A', queryType: 'heatmap', profiles: [ds.profile.id], rows: 50, maxColumns: 1000 },
      { from: T0, to: T0 + 10_000 }
    );
    expect(frame.meta?.type).toBe('heatmap-cells');
    expect(frame.fields.map((f) => f.name)).toEqual(['xMin', 'yMin', 'yMax', 'count']);
    expect(frame.fields[0].type).toBe(FieldType.time);
    const grid = gridFromFrame(frame);
    expect(grid).toMatchObject({ startMs: T0, columnMs: 1000, columns: 10, rows: 50, total: 1050, max: 22 });
    // The burst at 3.25–3.30 s: rows 12 (10 + 2 steady), 13 and 14 (20 + 2).
    expect(Array.from(grid.counts.slice(3 * 50 + 12, 3 * 50 + 15))).toEqual([12, 22, 22]);
    expect(frame.meta?.notices?.[0].text).toMatch(/placed on the wall clock by the instant in its file name/);
  });

  it("answers flame-graph queries with that slice's frames only, and differential ones", async () => {
    const ds = source();
    const burst = await ds.runQuery(
      { refId: 'B', queryType: 'flamegraph', profiles: [ds.profile.id], from: T0 + 3240, to: T0 + 3300, maxNodes: 100 },
      { from: T0, to: T0 + 10_000 }
    );
    expect(burst.meta?.preferredVisualisationType).toBe('flamegraph');
    const tree = treeFromFrame(burst);
    expect(tree.value).toBe(56);
    expect(names(tree)).toEqual(expect.arrayContaining(['gc', 'mark', 'render', 'parse']));

    const quiet = treeFromFrame(
      await ds.runQuery(
        { refId: 'B', queryType: 'flamegraph', profiles: [ds.profile.id], from: T0 + 5000, to: T0 + 6000 },
        { from: T0, to: T0 + 10_000 }
      )
    );
    expect(quiet.value).toBe(100);
    expect(names(quiet)).not.toContain('gc');

    const diff = treeFromFrame(
      await ds.runQuery(
        {
          refId: 'B',
          queryType: 'flamegraph',
          profiles: [ds.profile.id],
          from: T0 + 3000,
          to: T0 + 4000,
          baseline: 'range',
          baselineFrom: T0,
          baselineTo: T0 + 10_000,
        },
        { from: T0, to: T0 + 10_000 }
      )
    );
    expect(diff.valueRight).toBe(150);
    expect(diff.value).toBe(1050 + 150);
  });

  it('folds the slice as the sidecar does, and shows all below a focused frame', async () => {
    const ds = source();
    const slice = {
      refId: 'F',
      queryType: 'flamegraph' as const,
      profiles: [ds.profile.id],
      from: T0 + 3250,
      to: T0 + 3300,
    };
    const bytes = await ds.folded(slice, { from: T0, to: T0 + 10_000 });
    expect(new TextDecoder('latin1').decode(bytes)).toBe(
      'app;main;gc;mark 50\napp;main;serve;parse 3\napp;main;serve;render 2\n'
    );
    const focused = await ds.runQuery(
      { ...slice, maxNodes: 2, focus: ['app', 'main'], focusMaxNodes: 100 },
      { from: T0, to: T0 + 10_000 }
    );
    expect(names(treeFromFrame(focused))).toEqual(['all', 'app', 'main', 'gc', 'mark', 'serve', 'parse', 'render']);
    expect(focused.meta?.custom?.focus).toEqual({ path: ['app', 'main'], found: true, droppedNodes: 0 });
  });

  it('says where the profile is when the range misses it, and refuses other profiles', async () => {
    const ds = source();
    await expect(
      ds.runQuery(
        { refId: 'A', queryType: 'heatmap', profiles: [ds.profile.id] },
        { from: T0 - 60_000, to: T0 - 30_000 }
      )
    ).rejects.toThrow(/misses the profile, which covers 2026-11-17T09:30:00.000Z/);
    await expect(
      ds.runQuery({ refId: 'A', queryType: 'heatmap', profiles: ['other.perf'] }, { from: T0, to: T0 + 1000 })
    ).rejects.toThrow(/no such profile here: other.perf/);
    await expect(ds.listProfiles()).resolves.toHaveLength(1);
  });
});
