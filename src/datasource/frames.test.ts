import { DataFrameType, FieldType } from '@grafana/data';
import { annotationsFrame, decodeFrame, profilesFrame } from './frames';
import { ProfileEntry } from './types';

const entry = (over: Partial<ProfileEntry>): ProfileEntry => ({
  id: 'p',
  size: 10,
  etag: 'e',
  lastModified: '2026-11-17T09:31:00Z',
  status: 'ready',
  spanKnown: true,
  ...over,
});

describe('decodeFrame', () => {
  it('turns a heat-map frame into typed fields Grafana reads as heatmap-cells, keeping notices', () => {
    const frame = decodeFrame(
      {
        schema: {
          name: 'heatmap',
          meta: { notices: [{ severity: 'info', text: 'placed by key' }] },
          fields: [
            { name: 'xMin', type: FieldType.time },
            { name: 'yMin', type: FieldType.number, config: { unit: 'ms' } },
            { name: 'yMax', type: FieldType.number },
            { name: 'count', type: FieldType.number },
          ],
        },
        data: {
          values: [
            [1000, 1000],
            [0, 20],
            [20, 40],
            [3, 4],
          ],
        },
      },
      'B'
    );
    expect(frame.refId).toBe('B');
    expect(frame.meta?.type).toBe(DataFrameType.HeatmapCells);
    expect(frame.meta?.notices?.[0].text).toBe('placed by key');
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['xMin', FieldType.time],
      ['yMin', FieldType.number],
      ['yMax', FieldType.number],
      ['count', FieldType.number],
    ]);
    expect(frame.fields[3].values).toEqual([3, 4]);
    expect(frame.fields[1].config.unit).toBe('ms');
    expect(frame.length).toBe(2);
  });

  it('marks flame-graph frames for the built-in Flame Graph panel', () => {
    const frame = decodeFrame(
      {
        schema: {
          name: 'flamegraph',
          fields: [
            { name: 'level', type: FieldType.number },
            { name: 'value', type: FieldType.number },
            { name: 'self', type: FieldType.number },
            { name: 'label', type: FieldType.string },
          ],
        },
        data: {
          values: [
            [0, 1],
            [5, 5],
            [0, 5],
            ['all', 'main'],
          ],
        },
      },
      'A'
    );
    expect(frame.meta?.preferredVisualisationType).toBe('flamegraph');
    expect(frame.fields[3].values).toEqual(['all', 'main']);
  });
});

describe('catalog frames', () => {
  const entries = [
    entry({ id: 'a/1.perf', host: 'h1', samples: 100, from: 1000, to: 5000, events: ['cycles'] }),
    entry({
      id: 'a/2.perf',
      status: 'parsing',
      progress: { bytesRead: 25, totalBytes: 100 },
      from: 6000,
      to: 9000,
      spanKnown: false,
    }),
    entry({ id: 'a/notes.md', status: 'skipped', reason: 'not a profile' }),
    entry({ id: 'a/3.perf', status: 'not-parsed', spanKnown: false }),
  ];

  it('lists profiles with host, span, samples and parse progress, leaving skipped objects out', () => {
    const frame = profilesFrame(entries, 'A');
    const column = (name: string) => frame.fields.find((f) => f.name === name)!.values;
    expect(column('profile')).toEqual(['a/1.perf', 'a/2.perf', 'a/3.perf']);
    expect(column('progress')).toEqual([null, 0.25, null]);
    expect(column('from')).toEqual([1000, 6000, null]);
    expect(column('events')).toEqual(['cycles', '', '']);
  });

  it('makes each capture window a region annotation, skipping profiles with no known or estimated span', () => {
    const frame = annotationsFrame(entries, 'A');
    const column = (name: string) => frame.fields.find((f) => f.name === name)!.values;
    expect(column('time')).toEqual([1000, 6000]);
    expect(column('timeEnd')).toEqual([5000, 9000]);
    expect(column('title')).toEqual(['Profile a/1.perf', 'Profile a/2.perf']);
    expect(column('text')[1]).toContain('span estimated');
  });
});
