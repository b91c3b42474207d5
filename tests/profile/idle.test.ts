/**
 * Idle samples: the swapper (pid/tid 0) in a kernel idle loop. Interrupt and soft-IRQ work that runs on an idle CPU
 * is real CPU time and must stay visible. Heat maps and flame graphs drop idle samples unless asked; folding keeps
 * them unless asked.
 */
import { computeFlameGraph, computeHeatmap, foldStacks, parseProfile, ProfileStore } from '../../src/profile';
import {
  allSamples,
  cachedFixture as parseFixture,
  latin1,
  perfText,
  sampleFrameNames,
  SyntheticSample,
} from '../helpers/profile-views';

const K = '([kernel.kallsyms])';

function kernel(...names: string[]): string[] {
  return names.map((n) => `${n} ${K}`);
}

function parse(samples: SyntheticSample[]): ProfileStore {
  return parseProfile(latin1(perfText(samples)));
}

function idleFlags(store: ProfileStore): boolean[] {
  return allSamples(store).map((s) => s.idle);
}

/** A swapper sample, in the layouts perf prints it: `swapper 0 [003]` (tid alone) and `swapper 0/0 [003]`. */
function swapper(frames: string[], time = '10.000001', withPid = false): SyntheticSample {
  return { comm: 'swapper', pid: withPid ? 0 : undefined, tid: 0, cpu: 3, time, frames };
}

describe('idle marking', () => {
  const IDLE_LEAVES = [
    'cpuidle_enter_state',
    'cpuidle_idle_call',
    'native_safe_halt',
    'default_idle',
    'cpu_startup_entry',
    'intel_idle',
    'do_idle',
    'arch_cpu_idle',
  ];

  it.each(IDLE_LEAVES)('swapper in %s is idle', (leaf) => {
    for (const withPid of [false, true]) {
      const store = parse([swapper(kernel(leaf, 'start_secondary'), '10.000001', withPid)]);
      expect(idleFlags(store)).toEqual([true]);
    }
  });

  it('swapper anywhere below an idle loop is idle (menu_select under cpuidle_idle_call)', () => {
    const store = parse([
      swapper(kernel('menu_select', 'cpuidle_idle_call', 'arch_cpu_idle', 'cpu_startup_entry', 'start_secondary')),
    ]);
    expect(idleFlags(store)).toEqual([true]);
  });

  const IRQ_FRAMES = [
    '__do_softirq',
    'irq_exit',
    'do_IRQ',
    'net_rx_action',
    'apic_timer_interrupt',
    'smp_apic_timer_interrupt',
    'call_function_single_interrupt',
    'common_interrupt',
  ];

  it.each(IRQ_FRAMES)('swapper doing interrupt work (%s) on an idle CPU is not idle', (irq) => {
    const store = parse([
      swapper(kernel('e1000_clean', irq, 'native_safe_halt', 'default_idle', 'cpu_startup_entry', 'start_secondary')),
      swapper(kernel(irq, 'cpuidle_enter_state', 'cpuidle_enter', 'do_idle', 'cpu_startup_entry'), '10.000002', true),
    ]);
    expect(idleFlags(store)).toEqual([false, false]);
  });

  it('a process other than the swapper is never idle, whatever its frames', () => {
    const frames = kernel('native_safe_halt', 'default_idle', 'cpu_startup_entry', 'start_secondary');
    const store = parse([
      { comm: 'java', pid: 4242, tid: 4243, cpu: 1, time: '10.000001', frames },
      { comm: 'qemu-system-x86', pid: 77, tid: 78, cpu: 2, time: '10.000002', frames: kernel('cpuidle_enter_state') },
    ]);
    expect(idleFlags(store)).toEqual([false, false]);
  });

  it('a swapper sample without an idle-loop frame is not idle', () => {
    const store = parse([swapper(kernel('native_load_tls', 'schedule_preempt_disabled', 'rest_init'))]);
    expect(idleFlags(store)).toEqual([false]);
  });

  it('inferno/versioned-vmlinux.txt: swapper in net_rx_action/irq_exit/do_IRQ over cpuidle is not idle', () => {
    const store = parseFixture('inferno/versioned-vmlinux.txt');
    expect(store.sampleCount).toBe(1);
    const s = allSamples(store)[0];
    expect([s.comm, s.tid, s.cpu]).toEqual(['swapper', 0, 12]);
    const names = sampleFrameNames(store, 0);
    expect(names).toEqual(expect.arrayContaining(['cpuidle_enter_state', 'do_idle', 'net_rx_action', 'do_IRQ']));
    expect(s.idle).toBe(false);
  });

  it('flamescope/perf.test01: the four swapper samples are idle, the five java samples are not', () => {
    const samples = allSamples(parseFixture('flamescope/perf.test01'));
    expect(samples.filter((s) => s.idle).map((s) => s.comm)).toEqual(['swapper', 'swapper', 'swapper', 'swapper']);
    expect(samples.filter((s) => !s.idle).map((s) => s.comm)).toEqual(['java', 'java', 'java', 'java', 'java']);
  });

  it('perf-numa-stacks-01: every swapper sample sits in native_safe_halt and is idle; nothing else is', () => {
    const store = parseFixture('perf-numa-stacks-01.txt');
    const samples = allSamples(store);
    const swappers = samples.map((s, i) => [s, i] as const).filter(([s]) => s.comm === 'swapper');
    expect(swappers).toHaveLength(75);
    for (const [s, i] of swappers) {
      expect(sampleFrameNames(store, i)).toContain('native_safe_halt');
      expect(s.idle).toBe(true);
    }
    expect(samples.filter((s) => s.comm !== 'swapper' && s.idle)).toEqual([]);
  });

  it('example-perf-stacks: an IPI handler over the idle loop is busy, intel_idle is idle', () => {
    const store = parseFixture('example-perf-stacks.txt.gz');
    const samples = allSamples(store);
    let ipi = 0;
    let intel = 0;
    for (let i = 0; i < store.sampleCount; i++) {
      const names = sampleFrameNames(store, i);
      if (samples[i].comm !== 'swapper') {
        expect(samples[i].idle).toBe(false);
        continue;
      }
      if (names.includes('call_function_single_interrupt')) {
        ipi++;
        expect(samples[i].idle).toBe(false);
      } else if (names[names.length - 1] === 'intel_idle') {
        intel++;
        expect(samples[i].idle).toBe(true);
      }
    }
    expect(ipi).toBe(4);
    expect(intel).toBe(14);
  });

  it('idle-loop housekeeping named `*_interrupt` that is not an interrupt (get_next_timer_interrupt) is idle', () => {
    // tick_nohz_stop_sched_tick → get_next_timer_interrupt asks when the next timer fires; it runs in the idle loop,
    // not in interrupt context, exactly like its sibling hrtimer_start.
    const base = ['tick_nohz_stop_sched_tick', '__tick_nohz_idle_enter', 'tick_nohz_idle_enter', 'cpu_startup_entry'];
    const store = parse([
      swapper(kernel('hrtimer_start', ...base), '10.000001'),
      swapper(kernel('get_next_timer_interrupt', ...base), '10.000002'),
    ]);
    expect(idleFlags(store)).toEqual([true, true]);
  });
});

describe('who drops idle samples', () => {
  // Two busy samples, three idle ones, each a different second so heat-map columns tell them apart.
  const store = parse([
    { comm: 'java', pid: 10, tid: 11, cpu: 0, time: '100.100000', frames: ['work (/usr/bin/java)'] },
    swapper(kernel('native_safe_halt', 'default_idle', 'cpu_startup_entry'), '101.100000'),
    swapper(kernel('intel_idle', 'cpuidle_enter_state', 'cpu_startup_entry'), '102.100000'),
    swapper(kernel('irq_exit', 'intel_idle', 'cpuidle_enter_state', 'cpu_startup_entry'), '103.100000'),
    swapper(kernel('cpu_startup_entry'), '104.100000'),
  ]);

  it('the store marks exactly the idle ones', () => {
    expect(idleFlags(store)).toEqual([false, true, true, false, true]);
  });

  it('the heat map excludes idle samples by default and includes them with includeIdle', () => {
    const byDefault = computeHeatmap(store, { rows: 10 });
    expect(byDefault.total).toBe(2);
    const perColumn = (h: ReturnType<typeof computeHeatmap>) =>
      Array.from({ length: h.columns }, (_, c) => h.counts[c * h.rows + 1]);
    expect(perColumn(byDefault)).toEqual([1, 0, 0, 1, 0]);
    const withIdle = computeHeatmap(store, { rows: 10, includeIdle: true });
    expect(withIdle.total).toBe(5);
    expect(perColumn(withIdle)).toEqual([1, 1, 1, 1, 1]);
    expect(computeHeatmap(store, { rows: 10, includeIdle: false }).total).toBe(2);
  });

  it('the flame graph excludes idle samples by default and includes them with includeIdle', () => {
    expect(computeFlameGraph(store).total).toBe(2);
    expect(computeFlameGraph(store, { includeIdle: true }).total).toBe(5);
  });

  it('folding keeps idle samples (like stackcollapse-perf.pl) unless told to drop them', () => {
    const sum = (f: ReturnType<typeof foldStacks>) => f.reduce((a, s) => a + s.weight, 0);
    expect(sum(foldStacks(store))).toBe(5);
    expect(sum(foldStacks(store, { filter: { includeIdle: false } }))).toBe(2);
  });

  it('flamescope/perf.test01: the heat map counts the five java samples, or all nine with idle', () => {
    const real = parseFixture('flamescope/perf.test01');
    expect(computeHeatmap(real).total).toBe(5);
    expect(computeHeatmap(real, { includeIdle: true }).total).toBe(9);
  });
});
