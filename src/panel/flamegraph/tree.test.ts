import { createDataFrame, FieldType } from '@grafana/data';
import { FlameNode } from '../model';
import { findMatches, nameMatcher, selfValue, toFolded, treeFromFrame } from './tree';

/**
 * all (10)
 *   java (7)
 *     main (5)
 *       operator((int) (3)
 *     GC (2)
 *   kworker (3)
 *     schedule (3)
 */
const rows = [
  { level: 0, value: 10, self: 0, label: 'all', kind: 'root', valueRight: 6, selfRight: 0 },
  { level: 1, value: 7, self: 0, label: 'java', kind: 'thread', valueRight: 5, selfRight: 0 },
  { level: 2, value: 5, self: 2, label: 'main', kind: 'jit', valueRight: 4, selfRight: 1 },
  { level: 3, value: 3, self: 3, label: 'operator((int)', kind: 'inlined', valueRight: 3, selfRight: 3 },
  { level: 2, value: 2, self: 2, label: 'GC', kind: 'user', valueRight: 1, selfRight: 1 },
  { level: 1, value: 3, self: 0, label: 'kworker', kind: 'thread', valueRight: 1, selfRight: 0 },
  { level: 2, value: 3, self: 3, label: 'schedule', kind: 'kernel', valueRight: 1, selfRight: 1 },
];

function frame(diff = false) {
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const fields = [
    { name: 'level', type: FieldType.number, values: col('level') },
    { name: 'value', type: FieldType.number, values: col('value') },
    { name: 'self', type: FieldType.number, values: col('self') },
    { name: 'label', type: FieldType.string, values: col('label') },
    { name: 'kind', type: FieldType.string, values: col('kind') },
  ];
  if (diff) {
    fields.push(
      { name: 'valueRight', type: FieldType.number, values: col('valueRight') },
      { name: 'selfRight', type: FieldType.number, values: col('selfRight') }
    );
  }
  return createDataFrame({ name: 'flamegraph', fields });
}

/** name(value)[children] — compact structure for assertions. */
function shape(n: FlameNode): string {
  const kids = n.children.map(shape).join(',');
  return `${n.name}(${n.value})${kids ? `[${kids}]` : ''}`;
}

describe('treeFromFrame', () => {
  it('rebuilds parents and children from the nested set', () => {
    const root = treeFromFrame(frame());
    expect(shape(root)).toBe('all(10)[java(7)[main(5)[operator((int)(3)],GC(2)],kworker(3)[schedule(3)]]');
    expect(root.kind).toBe('root');
    expect(root.children.map((c) => c.kind)).toEqual(['thread', 'thread']);
    expect(root.children[0].children[0].kind).toBe('jit');
    expect(root.children[0].children[0].children[0].kind).toBe('inlined');
    expect(root.children[1].children[0].kind).toBe('kernel');
    expect(root.valueRight).toBeUndefined();
  });

  it('keeps valueRight for differential graphs', () => {
    const root = treeFromFrame(frame(true));
    expect(root.valueRight).toBe(6);
    const main = root.children[0].children[0];
    expect(main.valueRight).toBe(4);
    expect(main.children[0].valueRight).toBe(3);
    expect(root.children[1].children[0].valueRight).toBe(1);
  });

  it('gives an empty root for an empty frame', () => {
    const empty = createDataFrame({
      fields: [
        { name: 'level', type: FieldType.number, values: [] },
        { name: 'value', type: FieldType.number, values: [] },
        { name: 'label', type: FieldType.string, values: [] },
      ],
    });
    expect(treeFromFrame(empty)).toEqual({ name: 'all', value: 0, kind: 'root', children: [] });
  });

  it('reads enum labels, defaults unknown kinds to user and clamps malformed levels', () => {
    const root = treeFromFrame(
      createDataFrame({
        fields: [
          { name: 'level', type: FieldType.number, values: [0, 1, 3, 0] },
          { name: 'value', type: FieldType.number, values: [4, 3, 2, 1] },
          {
            name: 'label',
            type: FieldType.enum,
            values: [0, 1, 2, 1],
            config: { type: { enum: { text: ['total', 'a', 'b'] } } },
          },
          { name: 'kind', type: FieldType.string, values: ['root', 'weird', 'kernel', 'user'] },
        ],
      })
    );
    expect(shape(root)).toBe('total(4)[a(3)[b(2)],a(1)]');
    expect(root.children[0].kind).toBe('user');
  });
});

describe('search', () => {
  const root = treeFromFrame(frame());

  it.each(['operator((', '(', ')', '[', '*', '.*', '\\', '+?', '$^', '{1'])('never throws on %p', (term) => {
    expect(() => findMatches(root, term)).not.toThrow();
  });

  it('matches plain text, case-insensitively', () => {
    expect(findMatches(root, 'operator((')).toEqual({ count: 1, value: 3, percent: 30 });
    expect(findMatches(root, 'OPERATOR')).toEqual({ count: 1, value: 3, percent: 30 });
    // `.*` is not a regular expression: no name contains those two characters.
    expect(findMatches(root, '.*').count).toBe(0);
    expect(nameMatcher('r((')('operator((int)')).toBe(true);
  });

  it('counts every matched frame but each sample once', () => {
    // "a" is in java, main, operator((int) (nested in each other) and all; "ma" only in main.
    const r = findMatches(root, 'a');
    expect(r.count).toBe(4);
    expect(r.value).toBe(10);
    expect(r.percent).toBe(100);
    expect(findMatches(root, 'ma')).toEqual({ count: 1, value: 5, percent: 50 });
    expect(findMatches(root, 'e')).toEqual({ count: 3, value: 6, percent: 60 }); // kworker ⊃ schedule, operator((int)
  });

  it('finds nothing for an empty term or an empty tree', () => {
    expect(findMatches(root, '')).toEqual({ count: 0, value: 0, percent: 0 });
    expect(findMatches({ name: 'all', value: 0, kind: 'root', children: [] }, 'all')).toEqual({
      count: 1,
      value: 0,
      percent: 0,
    });
  });
});

describe('toFolded', () => {
  it('writes one line per stack with self values, without the root', () => {
    const root = treeFromFrame(frame());
    expect(toFolded(root)).toBe(
      ['java;main 2', 'java;main;operator((int) 3', 'java;GC 2', 'kworker;schedule 3', ''].join('\n')
    );
  });

  it('writes baseline and selection counts for diff graphs, and kind suffixes on request', () => {
    const root = treeFromFrame(frame(true));
    expect(toFolded(root, { diff: true, annotateKinds: true })).toBe(
      ['java;main_[j] 1 1', 'java;main_[j];operator((int)_[i] 0 3', 'java;GC 1 1', 'kworker;schedule_[k] 2 1', ''].join(
        '\n'
      )
    );
  });

  it('keeps separators out of names', () => {
    const root: FlameNode = {
      name: 'all',
      value: 5,
      kind: 'root',
      children: [{ name: 'a;b\nc', value: 5, kind: 'user', children: [] }],
    };
    expect(toFolded(root)).toBe('a:b c 5\n');
    expect(selfValue(root)).toBe(0);
  });
});
