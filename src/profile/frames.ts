/**
 * What a frame is, decided once per unique frame (never per sample): its kind for colouring, and whether it marks an
 * idle loop or interrupt work (for idle detection).
 */

export enum FrameKind {
  User = 0,
  Kernel = 1,
  Jit = 2,
  Inlined = 3,
  /** A language runtime's own code: Node's `node:` internals, V8 builtins, native code without a script. */
  Runtime = 4,
  /** Third-party packages (a script under `node_modules/`). */
  Library = 5,
  /** The garbage collector (V8's `(garbage collector)` frame). */
  Gc = 6,
  /** V8's `(program)`: native time the profiler could not attribute to a JavaScript function. */
  Program = 7,
}

export const FRAME_KIND_NAMES = ['user', 'kernel', 'jit', 'inlined', 'runtime', 'library', 'gc', 'program'] as const;
export type FrameKindName = (typeof FRAME_KIND_NAMES)[number];

/** Bit flags a stack inherits from every frame on it. */
export const FRAME_IDLE = 1;
export const FRAME_IRQ = 2;
/**
 * A runtime's own idle marker (V8's `(idle)`): the thread was waiting, whatever thread it is — unlike FRAME_IDLE,
 * which counts only on the swapper. Set by importers, never derived from a name.
 */
export const FRAME_IDLE_STATE = 4;

const JIT_DSO = /(?:^|\/)perf-\d+\.map$|(?:^|\/)jitted-\d+-\d+\.so$|^\[JIT\]|^\/\/anon$|^\[anon:/;
const KERNEL_DSO = /^\[(?!unknown\]|vdso\]|vsyscall\]|vvar\]|heap\]|stack\]|anon)|vmlinux|\.ko(?:\.[gx]z|\.zst)?$/;

export function classifyFrame(dso: string, inlineChainPart: boolean): FrameKind {
  if (inlineChainPart || dso === 'inlined') {
    return FrameKind.Inlined;
  }
  if (JIT_DSO.test(dso)) {
    return FrameKind.Jit;
  }
  if (KERNEL_DSO.test(dso)) {
    return FrameKind.Kernel;
  }
  return FrameKind.User;
}

// Kernel idle loops, across architectures and hypervisors.
const IDLE_FUNCTION =
  /^(?:cpuidle\w*|cpu_idle\w*|default_idle\w*|native_safe_halt|cpu_startup_entry|cpu_bringup_and_idle|do_idle|arch_cpu_idle\w*|intel_idle\w*|acpi_idle\w*|mwait_idle\w*|poll_idle|xen_hypercall_sched_op|xen_hypercall_vcpu_op|pv_native_safe_halt|psci_cpu_suspend_enter|cpu_do_idle|haltpoll\w*)$/;
// Interrupt and soft-IRQ work: real CPU time even when it runs on an idle CPU (FlameScope drops it, its #143).
const IRQ_FUNCTION =
  /^(?:__do_softirq|do_softirq\w*|irq_exit\w*|__irq_exit_rcu|do_IRQ|handle_irq\w*|handle_softirqs|net_rx_action|net_tx_action|tasklet_\w*action|run_timer_softirq|__softirqentry_text_start|common_interrupt|sysvec_\w+|asm_sysvec_\w+|asm_common_interrupt|(?!get_|tick_)\w+_interrupt)$/;

export function frameFlags(name: string, kind: FrameKind): number {
  if (kind !== FrameKind.Kernel) {
    return 0;
  }
  let flags = 0;
  if (IDLE_FUNCTION.test(name)) {
    flags |= FRAME_IDLE;
  }
  if (IRQ_FUNCTION.test(name)) {
    flags |= FRAME_IRQ;
  }
  return flags;
}

/** Symbol without a trailing `+0x1f` offset. */
export function stripOffset(symbol: string): string {
  const m = /\+0x[0-9a-fA-F]+$/.exec(symbol);
  return m ? symbol.slice(0, m.index) : symbol;
}
