/**
 * Data frames serialized to JSON in slices: a 200 000-node flame graph is tens of MB of JSON, and one JSON.stringify
 * of it holds the request thread for a long stretch. Columns are written a few thousand values at a time, each piece
 * by JSON.stringify itself, so the bytes are exactly JSON.stringify's.
 */
import { Sliced } from '../../src/profile';
import { DataFrameJSON } from '../../src/dataframes/frames';

const VALUES_PER_PIECE = 8192;

export function* frameJson(frame: DataFrameJSON): Sliced<string> {
  const parts: string[] = ['{"schema":', JSON.stringify(frame.schema), ',"data":{"values":['];
  const columns = frame.data.values;
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c];
    parts.push(c === 0 ? '[' : ',[');
    for (let i = 0; i < column.length; i += VALUES_PER_PIECE) {
      const piece = JSON.stringify(column.slice(i, i + VALUES_PER_PIECE));
      parts.push(i === 0 ? piece.slice(1, -1) : ',' + piece.slice(1, -1));
      yield;
    }
    parts.push(']');
  }
  parts.push(']}}');
  return parts.join('');
}
