import { FRAME_KINDS, FrameKind } from '../model';
import {
  contrastRatio,
  DIFF_NEUTRAL,
  diffColor,
  FRAME_TEXT_COLOR,
  frameColor,
  HIGHLIGHT_COLOR,
  isIdleFrame,
  LEGEND_DIFF,
  LEGEND_KINDS,
  nameHash,
} from './colors';

const KINDS: readonly FrameKind[] = FRAME_KINDS;
const NAMES = [
  '',
  'a',
  'main',
  'java',
  'schedule',
  'do_syscall_64',
  'Lcom/example/Foo;::bar',
  'libc.so.6`__memcpy_avx_unaligned',
  'std::vector<int>::push_back(int)',
  'zzzzzzzzzzzz',
  '~~~~',
  '0000',
  '9999',
];

function channels(c: string): number[] {
  return c.match(/\d+/g)!.map(Number);
}

describe('frameColor', () => {
  it('gives each kind its own colour for the same name', () => {
    for (const name of NAMES) {
      const colors = KINDS.map((k) => frameColor(name, k));
      expect(new Set(colors).size).toBe(KINDS.length);
    }
  });

  it('keeps hues in their families', () => {
    for (const name of NAMES) {
      const [kr, kg, kb] = channels(frameColor(name, 'kernel'));
      expect(kr).toBeGreaterThan(kg); // orange: red over green, no blue
      expect(kb).toBe(0);
      const [jr, jg, jb] = channels(frameColor(name, 'jit'));
      expect(jg).toBeGreaterThan(jr); // green
      expect(jg).toBeGreaterThan(jb);
      const [ir, ig, ib] = channels(frameColor(name, 'inlined'));
      expect(ig).toBe(ib); // aqua
      expect(ig).toBeGreaterThan(ir);
      const [ur, ug, ub] = channels(frameColor(name, 'user'));
      expect(ur).toBeGreaterThanOrEqual(ug); // hot: red to yellow
      expect(ug).toBeGreaterThan(ub);
      const [tr, tg] = channels(frameColor(name, 'thread'));
      expect(Math.abs(tr - tg)).toBeLessThan(10); // grey
      const [rr, rg, rb] = channels(frameColor(name, 'runtime'));
      expect(rr).toBe(rg); // yellow
      expect(rg).toBeGreaterThan(rb);
      const [lr, lg, lb] = channels(frameColor(name, 'library'));
      expect(lb).toBeGreaterThan(lr); // lavender
      expect(lr).toBeGreaterThan(lg);
      const [gr, gg, gb] = channels(frameColor(name, 'gc'));
      expect(gr).toBeGreaterThan(gb); // pink
      expect(gb).toBeGreaterThan(gg);
    }
  });

  it('is stable per name and varies between names', () => {
    expect(frameColor('main', 'user')).toBe(frameColor('main', 'user'));
    const users = new Set(NAMES.map((n) => frameColor(n, 'user')));
    expect(users.size).toBeGreaterThan(5);
    // Module prefix and arguments do not change the colour (FlameGraph's rule).
    expect(nameHash('libc.so`memcpy')).toBe(nameHash('memcpy'));
    expect(nameHash('foo(int)')).toBe(nameHash('foo(long)'));
    for (const n of NAMES) {
      expect(nameHash(n)).toBeGreaterThanOrEqual(0);
      expect(nameHash(n)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps labels readable (WCAG AA) on every fill, in either theme', () => {
    // Fills are opaque and theme-independent, so the label contrast is the fill's alone.
    const fills = [
      ...KINDS.flatMap((k) => NAMES.map((n) => frameColor(n, k))),
      // Extremes of the hash, whatever the names above happen to hash to.
      ...Array.from({ length: 200 }, (_, i) => frameColor(String.fromCharCode(33 + (i % 94)) + i, 'user')),
      HIGHLIGHT_COLOR,
      diffColor(10, 10, 100, 50),
      diffColor(10, 0, 100, 50),
      diffColor(10, 5, 100, 50),
    ];
    for (const fill of fills) {
      expect(contrastRatio(fill, FRAME_TEXT_COLOR)).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('idle and the legend', () => {
  it("gives the kernel's idle loop its own pale blue, readable and unlike the kinds", () => {
    for (const name of ['do_idle', 'cpuidle_enter_state', 'intel_idle', 'native_safe_halt']) {
      expect(isIdleFrame(name, 'kernel')).toBe(true);
      const idle = frameColor(name, 'kernel');
      const [r, g, b] = channels(idle);
      expect(b).toBeGreaterThan(g);
      expect(g).toBeGreaterThan(r);
      expect(contrastRatio(idle, FRAME_TEXT_COLOR)).toBeGreaterThanOrEqual(4.5);
      expect(KINDS.map((k) => frameColor(name, k === 'kernel' ? 'user' : k))).not.toContain(idle);
    }
    // Only kernel frames: a user function called do_idle is user code.
    expect(isIdleFrame('do_idle', 'user')).toBe(false);
    expect(isIdleFrame('schedule', 'kernel')).toBe(false);
  });

  it('shows readable swatches for each kind and the diff colours', () => {
    const fills = [...LEGEND_KINDS.map((k) => k.color), LEGEND_DIFF.more, LEGEND_DIFF.same, LEGEND_DIFF.less];
    expect(new Set(fills).size).toBe(fills.length);
    for (const fill of fills) {
      expect(contrastRatio(fill, FRAME_TEXT_COLOR)).toBeGreaterThanOrEqual(4.5);
    }
    expect(LEGEND_DIFF.more).toBe(diffColor(10, 10, 100, 50));
    expect(LEGEND_DIFF.less).toBe(diffColor(10, 0, 100, 50));
  });
});

describe('diffColor', () => {
  const neutral = `rgb(${DIFF_NEUTRAL.join(',')})`;

  it('is red where the selection has a bigger share than overall, blue where smaller', () => {
    // Overall the selection is 40% of the samples.
    const [r1, g1, b1] = channels(diffColor(10, 8, 100, 40));
    expect(r1).toBeGreaterThan(b1);
    expect(r1).toBeGreaterThan(g1);
    const [r2, , b2] = channels(diffColor(10, 1, 100, 40));
    expect(b2).toBeGreaterThan(r2);
    expect(diffColor(10, 4, 100, 40)).toBe(neutral);
  });

  it('grows with the difference and saturates at selection-only and baseline-only frames', () => {
    const redness = (c: string) => channels(c)[0] - channels(c)[2];
    expect(redness(diffColor(10, 9, 100, 40))).toBeGreaterThan(redness(diffColor(10, 6, 100, 40)));
    expect(diffColor(10, 10, 100, 40)).toBe(diffColor(3, 3, 100, 90)); // all selection: full red
    expect(diffColor(10, 0, 100, 40)).toBe(diffColor(3, 0, 100, 5)); // all baseline: full blue
    expect(diffColor(10, 10, 100, 40)).not.toBe(diffColor(10, 0, 100, 40));
  });

  it('is neutral when there is nothing to compare', () => {
    expect(diffColor(0, 0, 100, 40)).toBe(neutral);
    expect(diffColor(10, 5, 0, 0)).toBe(neutral);
    expect(diffColor(10, 10, 100, 100)).toBe(neutral); // no baseline at all
    expect(diffColor(10, 0, 100, 0)).toBe(neutral); // no selection at all
  });
});
