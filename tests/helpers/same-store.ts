import { ProfileStore } from '../../src/profile';

/** toEqual, with typed arrays compared as bytes (jest's element-wise walk is slow on big stores). */
export function expectSameStore(actual: ProfileStore, expected: ProfileStore) {
  const typed = (store: ProfileStore) => {
    const arrays: Array<[string, ArrayBufferView | null]> = [];
    const plain = JSON.parse(
      JSON.stringify(store, (key, value) => {
        if (ArrayBuffer.isView(value)) {
          arrays.push([`${key}:${value.constructor.name}`, value]);
          return `#${arrays.length - 1}`;
        }
        return value === undefined ? '<undefined>' : value;
      })
    );
    return { plain, arrays };
  };
  const a = typed(actual);
  const e = typed(expected);
  expect(a.plain).toEqual(e.plain);
  expect(a.arrays.map(([k]) => k)).toEqual(e.arrays.map(([k]) => k));
  a.arrays.forEach(([key, view], i) => {
    const other = e.arrays[i][1]!;
    const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (!bytes(view!).equals(bytes(other))) {
      throw new Error(`${key} differs`);
    }
  });
}
