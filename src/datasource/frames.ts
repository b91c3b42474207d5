/**
 * Sidecar answers as Grafana data frames: heat-map cells and flame graphs arrive as DataFrameJSON; the catalog
 * becomes a profile table or annotations (each profile's capture window). Pure.
 */
import {
  DataFrame,
  dataFrameFromJSON,
  DataFrameJSON,
  DataFrameType,
  FieldType,
  createDataFrame,
  QueryResultMetaNotice,
} from '@grafana/data';
import { ProfileEntry } from './types';

/** A sidecar frame, with the query's refId, its notices kept and its frame type set for Grafana's panels. */
export function decodeFrame(json: DataFrameJSON, refId: string): DataFrame {
  const frame = dataFrameFromJSON(json);
  frame.refId = refId;
  const meta = { ...frame.meta };
  if (frame.name === 'heatmap') {
    meta.type = DataFrameType.HeatmapCells;
  }
  if (frame.name === 'flamegraph') {
    meta.preferredVisualisationType = 'flamegraph';
  }
  meta.notices = (meta.notices ?? []).map((n: QueryResultMetaNotice) => ({ ...n }));
  frame.meta = meta;
  return frame;
}

/** The catalog as a table: one row per profile (skipped objects left out). */
export function profilesFrame(entries: ProfileEntry[], refId: string): DataFrame {
  const rows = entries.filter((e) => e.status !== 'skipped');
  return createDataFrame({
    refId,
    name: 'profiles',
    fields: [
      { name: 'profile', type: FieldType.string, values: rows.map((e) => e.id) },
      { name: 'host', type: FieldType.string, values: rows.map((e) => e.host ?? '') },
      { name: 'from', type: FieldType.time, values: rows.map((e) => e.from ?? null) },
      { name: 'to', type: FieldType.time, values: rows.map((e) => e.to ?? null) },
      { name: 'samples', type: FieldType.number, values: rows.map((e) => e.samples ?? null) },
      { name: 'status', type: FieldType.string, values: rows.map((e) => e.status) },
      {
        name: 'progress',
        type: FieldType.number,
        config: { unit: 'percentunit' },
        values: rows.map((e) => (e.progress ? e.progress.bytesRead / Math.max(1, e.progress.totalBytes) : null)),
      },
      { name: 'size', type: FieldType.number, config: { unit: 'bytes' }, values: rows.map((e) => e.size) },
      { name: 'events', type: FieldType.string, values: rows.map((e) => (e.events ?? []).join(', ')) },
      { name: 'anchor', type: FieldType.string, values: rows.map((e) => e.anchor?.method ?? '') },
    ],
  });
}

/**
 * Each profile's capture window as a region annotation, so time-series panels show where profiles exist. Profiles
 * whose span is not known yet (not parsed) are shown from the instant in their key, when there is one.
 */
export function annotationsFrame(entries: ProfileEntry[], refId: string): DataFrame {
  const rows = entries.filter((e) => e.status !== 'skipped' && e.from !== undefined && e.to !== undefined);
  return createDataFrame({
    refId,
    name: 'annotations',
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((e) => e.from) },
      { name: 'timeEnd', type: FieldType.time, values: rows.map((e) => e.to) },
      { name: 'title', type: FieldType.string, values: rows.map((e) => `Profile ${e.id}`) },
      {
        name: 'text',
        type: FieldType.string,
        values: rows.map((e) =>
          [
            e.host && `host ${e.host}`,
            e.samples !== undefined && `${e.samples} samples`,
            !e.spanKnown && 'span estimated',
          ]
            .filter(Boolean)
            .join(', ')
        ),
      },
      { name: 'tags', type: FieldType.other, values: rows.map((e) => ['flamescope', ...(e.host ? [e.host] : [])]) },
    ],
  });
}
