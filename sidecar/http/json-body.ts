/**
 * Response bodies built in slices: a 200 000-node flame graph is tens of MB of JSON, and one JSON.stringify of it (or
 * one join, or one Buffer.from) holds the request thread for a long stretch. Columns are written a few thousand values
 * at a time, each piece by JSON.stringify itself, so the bytes are exactly JSON.stringify's; the pieces are then
 * copied into one Buffer a piece at a time. No string of the whole body is ever made.
 */
import { Sliced, SLICE_STEPS } from '../../src/profile';
import { DataFrameJSON } from '../../src/dataframes/frames';

const VALUES_PER_PIECE = 8192;

type Column = ArrayLike<unknown> & { slice(start: number, end: number): ArrayLike<unknown> };

/** The frame as JSON text in pieces (typed-array columns are written as plain arrays). */
export function* frameJsonPieces(frame: DataFrameJSON): Sliced<string[]> {
  const parts: string[] = ['{"schema":', JSON.stringify(frame.schema), ',"data":{"values":['];
  const columns = frame.data.values as unknown as Column[];
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c];
    parts.push(c === 0 ? '[' : ',[');
    for (let i = 0; i < column.length; i += VALUES_PER_PIECE) {
      const slice = column.slice(i, i + VALUES_PER_PIECE);
      const piece = JSON.stringify(Array.isArray(slice) ? slice : Array.from(slice));
      parts.push(i === 0 ? piece.slice(1, -1) : ',' + piece.slice(1, -1));
      yield;
    }
    parts.push(']');
  }
  parts.push(']}}');
  return parts;
}

/** Concatenates text pieces into one Buffer, a few pieces per step. */
export function* encodePieces(pieces: string[], encoding: 'utf8' | 'latin1'): Sliced<Buffer> {
  let total = 0;
  for (let i = 0; i < pieces.length; i++) {
    total += encoding === 'latin1' ? pieces[i].length : Buffer.byteLength(pieces[i], 'utf8');
    if ((i & (SLICE_STEPS - 1)) === SLICE_STEPS - 1) {
      yield;
    }
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  let sinceYield = 0;
  for (const piece of pieces) {
    offset += out.write(piece, offset, encoding);
    sinceYield += piece.length;
    if (sinceYield >= 1 << 18) {
      sinceYield = 0;
      yield;
    }
  }
  return out;
}

/** The frame as a JSON body. */
export function* frameJsonBody(frame: DataFrameJSON): Sliced<Buffer> {
  return yield* encodePieces(yield* frameJsonPieces(frame), 'utf8');
}
