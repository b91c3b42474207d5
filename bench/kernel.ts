/**
 * Kernel call paths (root → leaf) as they appear at the leaf end of real stacks: system calls behind their libc
 * wrappers, page faults, interrupts, the idle loop and kernel threads. A sample lands somewhere along a path, so
 * paths are truncated at a random depth and may end in a few generic helpers — that is where most of the
 * kernel-side variety (and many distinct stacks) comes from. `mod:name` is a function in a kernel module.
 */
import { Rng } from './prng';
import { KERNEL, LIBC, SymbolTable } from './symbols';

const ENTRY = ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64'];
const SCHED = ['schedule', '__schedule', 'finish_task_switch.isra.0'];
// prettier-ignore
const TCP_SEND = [
  'sock_sendmsg', 'tcp_sendmsg', 'tcp_sendmsg_locked', 'tcp_push', '__tcp_push_pending_frames', 'tcp_write_xmit',
  '__tcp_transmit_skb', 'ip_queue_xmit', '__ip_queue_xmit', 'ip_local_out', 'nf_hook_slow',
  'nf_conntrack:nf_conntrack_in', 'ip_output', 'ip_finish_output2', '__dev_queue_xmit', 'dev_hard_start_xmit',
  'virtio_net:start_xmit', 'virtio_net:xmit_skb', 'virtqueue_add_outbuf', 'virtqueue_add_split',
];
// prettier-ignore
const TCP_RECV = [
  'sock_recvmsg', 'inet_recvmsg', 'tcp_recvmsg', 'tcp_recvmsg_locked', 'skb_copy_datagram_iter', '__skb_datagram_iter',
  'simple_copy_to_iter', '_copy_to_iter', 'copy_user_enhanced_fast_string',
];

export interface SyscallPath {
  libc: string[];
  kernel: string[];
  /** Prefix for the generated helpers that may follow a truncated path. */
  subsystem: string;
}

// prettier-ignore
export const SYSCALLS = {
  writeSock: {
    libc: ['__GI___libc_write'],
    kernel: [...ENTRY, '__x64_sys_write', 'ksys_write', 'vfs_write', 'sock_write_iter', ...TCP_SEND],
    subsystem: 'tcp',
  },
  writev: {
    libc: ['writev'],
    kernel: [
      ...ENTRY, '__x64_sys_writev', 'do_writev', 'vfs_writev', 'do_iter_write', 'do_iter_readv_writev',
      'sock_write_iter', 'sock_sendmsg', 'tcp_sendmsg', 'tcp_sendmsg_locked', 'skb_do_copy_data_nocache',
      '_copy_from_iter', 'copy_user_enhanced_fast_string',
    ],
    subsystem: 'tcp',
  },
  sendmsgUdp: {
    libc: ['__libc_sendmsg'],
    kernel: [
      ...ENTRY, '__x64_sys_sendmsg', '__sys_sendmsg', '___sys_sendmsg', '____sys_sendmsg', 'sock_sendmsg',
      'udp_sendmsg', 'udp_send_skb', 'ip_send_skb', 'ip_local_out', 'nf_hook_slow', 'nf_conntrack:nf_conntrack_in',
      'nf_conntrack:__nf_conntrack_find_get',
    ],
    subsystem: 'udp',
  },
  recv: {
    libc: ['__libc_recv'],
    kernel: [...ENTRY, '__x64_sys_recvfrom', '__sys_recvfrom', ...TCP_RECV],
    subsystem: 'tcp',
  },
  read: {
    libc: ['__GI___libc_read'],
    kernel: [...ENTRY, '__x64_sys_read', 'ksys_read', 'vfs_read', 'sock_read_iter', ...TCP_RECV],
    subsystem: 'tcp',
  },
  epoll: {
    libc: ['epoll_wait'],
    kernel: [
      ...ENTRY, '__x64_sys_epoll_wait', 'do_epoll_wait', 'ep_poll', 'schedule_hrtimeout_range',
      'schedule_hrtimeout_range_clock', ...SCHED,
    ],
    subsystem: 'ep',
  },
  futexWait: {
    libc: ['__futex_abstimed_wait_common'],
    kernel: [
      ...ENTRY, '__x64_sys_futex', 'do_futex', 'futex_wait', 'futex_wait_queue', 'schedule', '__schedule',
      'pick_next_task_fair', 'newidle_balance', 'load_balance', 'find_busiest_group', 'update_sd_lb_stats.constprop.0',
      'update_sg_lb_stats',
    ],
    subsystem: 'sched',
  },
  futexWake: {
    libc: ['pthread_cond_signal@@GLIBC_2.3.2'],
    kernel: [
      ...ENTRY, '__x64_sys_futex', 'do_futex', 'futex_wake', 'wake_up_q', 'try_to_wake_up', 'ttwu_do_activate',
      'activate_task', 'enqueue_task_fair', 'enqueue_entity', 'update_load_avg',
    ],
    subsystem: 'sched',
  },
  preadXfs: {
    libc: ['__libc_pread64'],
    kernel: [
      ...ENTRY, '__x64_sys_pread64', 'vfs_read', 'xfs:xfs_file_read_iter', 'xfs:xfs_file_buffered_read', 'filemap_read',
      'filemap_get_pages', 'filemap_get_read_batch',
    ],
    subsystem: 'xfs',
  },
  preadExt4: {
    libc: ['__libc_pread64'],
    kernel: [
      ...ENTRY, '__x64_sys_pread64', 'vfs_read', 'ext4_file_read_iter', 'generic_file_read_iter', 'filemap_read',
      'copy_page_to_iter', '_copy_to_iter', 'copy_user_enhanced_fast_string',
    ],
    subsystem: 'ext4',
  },
  pwrite: {
    libc: ['__libc_pwrite64'],
    kernel: [
      ...ENTRY, '__x64_sys_pwrite64', 'vfs_write', 'xfs:xfs_file_write_iter', 'xfs:xfs_file_buffered_write',
      'iomap_file_buffered_write', 'iomap_write_iter', 'iomap_write_begin', '__filemap_get_folio', 'filemap_add_folio',
      '__filemap_add_folio',
    ],
    subsystem: 'xfs',
  },
  fsync: {
    libc: ['fdatasync'],
    kernel: [
      ...ENTRY, '__x64_sys_fdatasync', 'do_fsync', 'xfs:xfs_file_fsync', 'file_write_and_wait_range',
      '__filemap_fdatawrite_range', 'filemap_fdatawrite_wbc', 'do_writepages', 'xfs:xfs_vm_writepages',
      'iomap_writepages', 'write_cache_pages', 'iomap_do_writepage',
    ],
    subsystem: 'xfs',
  },
  munmap: {
    libc: ['munmap'],
    kernel: [
      ...ENTRY, '__x64_sys_munmap', '__vm_munmap', 'do_vmi_munmap', 'do_vmi_align_munmap', 'unmap_region', 'unmap_vmas',
      'unmap_single_vma', 'unmap_page_range', 'zap_pmd_range.isra.0', 'zap_pte_range', 'tlb_flush_mmu',
      'free_pages_and_swap_cache', 'release_pages', 'free_unref_page_list',
    ],
    subsystem: 'mm',
  },
  madvise: {
    libc: ['__madvise'],
    kernel: [
      ...ENTRY, '__x64_sys_madvise', 'do_madvise', 'madvise_vma_behavior', 'zap_page_range_single', 'unmap_page_range',
      'zap_pte_range', 'page_remove_rmap',
    ],
    subsystem: 'mm',
  },
  yield: {
    libc: ['sched_yield'],
    kernel: [
      ...ENTRY, '__x64_sys_sched_yield', 'do_sched_yield', 'schedule', '__schedule', 'pick_next_task_fair',
      'update_curr',
    ],
    subsystem: 'sched',
  },
  nanosleep: {
    libc: ['clock_nanosleep@GLIBC_2.2.5'],
    kernel: [...ENTRY, '__x64_sys_clock_nanosleep', 'common_nsleep', 'hrtimer_nanosleep', 'do_nanosleep', ...SCHED],
    subsystem: 'hrtimer',
  },
  poll: {
    libc: ['__GI___poll'],
    kernel: [
      ...ENTRY, '__x64_sys_poll', 'do_sys_poll', 'do_poll.constprop.0', 'poll_schedule_timeout.constprop.0',
      'schedule_hrtimeout_range', 'schedule_hrtimeout_range_clock', 'schedule',
    ],
    subsystem: 'sched',
  },
  accept: {
    libc: ['accept4'],
    kernel: [
      ...ENTRY, '__x64_sys_accept4', '__sys_accept4', 'do_accept', 'inet_accept', 'inet_csk_accept',
      'inet_csk_wait_for_connect', 'schedule_timeout', 'schedule',
    ],
    subsystem: 'tcp',
  },
  openat: {
    libc: ['__libc_open64'],
    kernel: [
      ...ENTRY, '__x64_sys_openat', 'do_sys_openat2', 'do_filp_open', 'path_openat',
      'link_path_walk.part.0.constprop.0', 'walk_component', 'lookup_fast', '__d_lookup_rcu',
    ],
    subsystem: 'vfs',
  },
  stat: {
    libc: ['__GI___fstatat64'],
    kernel: [
      ...ENTRY, '__x64_sys_newfstatat', 'vfs_fstatat', 'vfs_statx', 'filename_lookup', 'path_lookupat',
      'link_path_walk.part.0.constprop.0', 'inode_permission', 'generic_permission',
    ],
    subsystem: 'vfs',
  },
} satisfies Record<string, SyscallPath>;

export type SyscallName = keyof typeof SYSCALLS;

// prettier-ignore
export const PAGE_FAULTS = [
  [
    'asm_exc_page_fault', 'exc_page_fault', 'do_user_addr_fault', 'handle_mm_fault', '__handle_mm_fault',
    'handle_pte_fault', 'do_anonymous_page', 'vma_alloc_folio', '__folio_alloc', '__alloc_pages',
    'get_page_from_freelist', 'clear_page_erms',
  ],
  [
    'asm_exc_page_fault', 'exc_page_fault', 'do_user_addr_fault', 'handle_mm_fault', '__handle_mm_fault',
    'handle_pte_fault', 'do_wp_page', 'wp_page_copy', 'copy_page',
  ],
  [
    'asm_exc_page_fault', 'exc_page_fault', 'do_user_addr_fault', 'handle_mm_fault', '__handle_mm_fault',
    'handle_pte_fault', 'do_fault', 'filemap_map_pages', 'next_uptodate_folio',
  ],
];

/** Interrupts that land on top of whatever was running (their first frame follows the interrupted one). */
// prettier-ignore
export const INTERRUPTS = [
  [
    'asm_sysvec_apic_timer_interrupt', 'sysvec_apic_timer_interrupt', '__sysvec_apic_timer_interrupt',
    'hrtimer_interrupt', '__hrtimer_run_queues', 'tick_sched_timer', 'tick_sched_handle', 'update_process_times',
    'scheduler_tick', 'task_tick_fair', 'update_curr', 'update_min_vruntime',
  ],
  [
    'asm_common_interrupt', 'common_interrupt', 'irq_exit_rcu', '__irq_exit_rcu', '__do_softirq', 'net_rx_action',
    '__napi_poll', 'virtio_net:virtnet_poll', 'virtio_net:receive_buf', 'napi_gro_receive', 'dev_gro_receive',
    'netif_receive_skb_list_internal', '__netif_receive_skb_list_core', 'ip_list_rcv', 'ip_sublist_rcv',
    'ip_sublist_rcv_finish', 'ip_local_deliver', 'ip_local_deliver_finish', 'ip_protocol_deliver_rcu', 'tcp_v4_rcv',
    'tcp_v4_do_rcv', 'tcp_rcv_established', 'tcp_data_queue', 'sock_def_readable', '__wake_up_common_lock',
    '__wake_up_common', 'ep_poll_callback',
  ],
  [
    'asm_sysvec_call_function_single', 'sysvec_call_function_single', '__sysvec_call_function_single',
    '__flush_smp_call_function_queue', 'flush_tlb_func', 'native_flush_tlb_one_user',
  ],
];

/** The idle loop, root → leaf (CPU 0 entered it from start_kernel, the others from start_secondary). */
// prettier-ignore
export const IDLE_ROOTS = [
  [
    'secondary_startup_64_no_verify', 'start_secondary', 'cpu_startup_entry', 'do_idle', 'call_cpuidle',
    'cpuidle_enter', 'cpuidle_enter_state',
  ],
  [
    'secondary_startup_64_no_verify', 'x86_64_start_kernel', 'x86_64_start_reservations', 'start_kernel',
    'arch_call_rest_init', 'rest_init', 'cpu_startup_entry', 'do_idle', 'call_cpuidle', 'cpuidle_enter',
    'cpuidle_enter_state',
  ],
];
// prettier-ignore
export const IDLE_LEAVES = [
  ['intel_idle'],
  ['intel_idle_irq'],
  ['poll_idle'],
  ['intel_idle', 'mwait_idle_with_hints.constprop.0'],
];
// prettier-ignore
export const IDLE_OTHER = [
  [
    'secondary_startup_64_no_verify', 'start_secondary', 'cpu_startup_entry', 'do_idle', 'default_idle_call',
    'arch_cpu_idle', 'default_idle', 'pv_native_safe_halt',
  ],
  [
    'secondary_startup_64_no_verify', 'start_secondary', 'cpu_startup_entry', 'do_idle', 'schedule_idle', '__schedule',
    'finish_task_switch.isra.0',
  ],
  [
    'secondary_startup_64_no_verify', 'start_secondary', 'cpu_startup_entry', 'do_idle', 'tick_nohz_idle_stop_tick',
    'tick_nohz_stop_tick', 'hrtimer_start_range_ns', '_raw_spin_unlock_irqrestore',
  ],
];

const KTHREAD = ['ret_from_fork_asm', 'ret_from_fork', 'kthread'];
/** Kernel threads: comm (as perf truncates it, 15 bytes) and paths. */
// prettier-ignore
export const KTHREADS: Array<{ comm: string; paths: string[][] }> = [
  {
    comm: 'kworker/u32:3',
    paths: [
      [
        ...KTHREAD, 'worker_thread', 'process_one_work', 'wb_workfn', 'wb_do_writeback', 'wb_writeback',
        '__writeback_inodes_wb', 'writeback_sb_inodes', '__writeback_single_inode', 'do_writepages',
        'xfs:xfs_vm_writepages', 'iomap_writepages', 'write_cache_pages', 'iomap_do_writepage', 'xfs:xfs_map_blocks',
      ],
      [
        ...KTHREAD, 'worker_thread', 'process_one_work', 'blk_mq_run_work_fn', '__blk_mq_run_hw_queue',
        'blk_mq_sched_dispatch_requests', '__blk_mq_sched_dispatch_requests', 'blk_mq_dispatch_rq_list',
        'nvme:nvme_queue_rq', 'nvme:nvme_prep_rq.part.0', 'dma_map_sgtable', 'dma_map_sg_attrs',
      ],
    ],
  },
  {
    comm: 'kworker/7:1H',
    paths: [
      [...KTHREAD, 'worker_thread', 'process_one_work', 'vmstat_update', 'refresh_cpu_vm_stats', 'fold_diff'],
      [...KTHREAD, 'worker_thread', 'process_one_work', 'kfree_rcu_monitor', 'kvfree_rcu_bulk', 'kmem_cache_free_bulk'],
    ],
  },
  {
    comm: 'ksoftirqd/3',
    paths: [
      [
        ...KTHREAD, 'smpboot_thread_fn', 'run_ksoftirqd', '__do_softirq', 'net_rx_action', '__napi_poll',
        'virtio_net:virtnet_poll', 'virtio_net:receive_buf', 'napi_gro_receive', 'netif_receive_skb_list_internal',
        'ip_list_rcv', 'ip_local_deliver', 'tcp_v4_rcv', 'tcp_v4_do_rcv', 'tcp_rcv_established', 'tcp_ack',
        'tcp_clean_rtx_queue',
      ],
      [
        ...KTHREAD, 'smpboot_thread_fn', 'run_ksoftirqd', '__do_softirq', 'rcu_core', 'rcu_do_batch', 'kmem_cache_free',
        '__slab_free',
      ],
      [
        ...KTHREAD, 'smpboot_thread_fn', 'run_ksoftirqd', '__do_softirq', 'run_timer_softirq', '__run_timers',
        'call_timer_fn', 'tcp_delack_timer', 'tcp_delack_timer_handler',
      ],
    ],
  },
  {
    comm: 'rcu_preempt',
    paths: [[...KTHREAD, 'rcu_gp_kthread', 'rcu_gp_fqs_loop', 'force_qs_rnp', 'rcu_implicit_dynticks_qs']],
  },
  {
    comm: 'kswapd0',
    paths: [
      [
        ...KTHREAD, 'kswapd', 'balance_pgdat', 'shrink_node', 'shrink_node_memcgs', 'shrink_lruvec',
        'shrink_inactive_list', 'shrink_folio_list', '__remove_mapping', 'xas_store',
      ],
    ],
  },
  {
    comm: 'jbd2/nvme0n1p1-',
    paths: [
      [
        ...KTHREAD, 'kjournald2', 'jbd2_journal_commit_transaction', 'jbd2_journal_write_metadata_buffer',
        'submit_bh_wbc', 'submit_bio_noacct_nocheck', '__submit_bio', 'blk_mq_submit_bio',
      ],
    ],
  },
  {
    comm: 'migration/5',
    paths: [
      [
        ...KTHREAD, 'smpboot_thread_fn', 'cpu_stopper_thread', 'migration_cpu_stop', 'move_queued_task',
        'activate_task', 'enqueue_task_fair',
      ],
    ],
  },
  {
    comm: 'kcompactd0',
    paths: [
      [
        ...KTHREAD, 'kcompactd', 'kcompactd_do_work', 'compact_zone', 'isolate_migratepages',
        'isolate_migratepages_block', 'folio_isolate_lru',
      ],
    ],
  },
];

/** Short helpers any kernel path may call at its leaf. */
// prettier-ignore
const HELPERS = [
  '_raw_spin_lock', '_raw_spin_lock_irqsave', '_raw_spin_unlock_irqrestore', 'native_queued_spin_lock_slowpath',
  '__check_object_size', 'kmem_cache_alloc_node', 'kmem_cache_free', '__kmalloc_node_track_caller',
  'memcg_slab_post_alloc_hook', 'mod_memcg_state', '__rcu_read_lock', '__rcu_read_unlock', '__fget_light', 'fput',
  'security_file_permission', 'apparmor_file_permission', 'aa_file_perm', 'rw_verify_area', '__fsnotify_parent',
  'ktime_get', 'read_tsc', 'native_sched_clock', 'sched_clock_cpu', 'psi_group_change', 'update_rq_clock',
  '__cgroup_account_cputime', 'memset_orig', 'memcpy_orig', 'refill_stock', 'try_charge_memcg',
  '__mod_lruvec_page_state', 'lock_sock_nested', 'release_sock',
];

// prettier-ignore
const NOUNS = [
  'skb', 'sock', 'queue', 'page', 'folio', 'inode', 'extent', 'buf', 'req', 'rq', 'entity', 'timer', 'node', 'list',
  'hash', 'tree', 'map', 'range', 'zone', 'slab', 'cpu', 'task', 'group', 'mss', 'window', 'rtt', 'seq', 'iter', 'vec',
];
// prettier-ignore
const VERBS = [
  'alloc', 'free', 'lookup', 'insert', 'update', 'check', 'init', 'release', 'get', 'put', 'add', 'del', 'find',
  'clean', 'flush', 'commit', 'wait', 'wake', 'merge', 'split', 'account', 'charge', 'collapse', 'select', 'validate',
];
const SUFFIXES = ['', '', '', '', '.isra.0', '.constprop.0', '.part.0'];

/** Renders kernel paths into frame ids; generates a pool of subsystem helpers for variety. */
export class KernelPaths {
  private readonly generated = new Map<string, number[]>();

  constructor(
    private readonly symbols: SymbolTable,
    private readonly rng: Rng
  ) {}

  /** `name` or `module:name` → frame id. */
  fn(spec: string): number {
    const colon = spec.indexOf(':');
    return colon > 0
      ? this.symbols.fn(spec.slice(colon + 1), `[${spec.slice(0, colon)}]`)
      : this.symbols.fn(spec, KERNEL);
  }

  path(names: readonly string[]): number[] {
    return names.map((n) => this.fn(n));
  }

  /** A path cut where a sample might land (at least `min` frames), then maybe a helper or two. */
  landing(names: readonly string[], subsystem: string, min = 3): number[] {
    const cut = Math.min(names.length, this.rng.range(Math.min(min, names.length), names.length + 2));
    const out = this.path(names.slice(0, cut));
    const extra = this.rng.skewed(3, 0.5);
    for (let i = 0; i < extra; i++) {
      out.push(this.rng.chance(0.5) ? this.fn(this.rng.pick(HELPERS)) : this.helper(subsystem));
    }
    return out;
  }

  /** libc wrapper + kernel path of a system call. */
  syscall(name: SyscallName): { user: number[]; kernel: number[] } {
    const s: SyscallPath = SYSCALLS[name];
    return { user: s.libc.map((n) => this.symbols.fn(n, LIBC)), kernel: this.landing(s.kernel, s.subsystem, 4) };
  }

  private helper(subsystem: string): number {
    let pool = this.generated.get(subsystem);
    if (!pool) {
      pool = [];
      for (let i = 0; i < 48; i++) {
        const r = this.rng;
        const base = r.chance(0.5)
          ? `${subsystem}_${r.pick(NOUNS)}_${r.pick(VERBS)}`
          : `${r.chance(0.3) ? '__' : ''}${subsystem}_${r.pick(VERBS)}_${r.pick(NOUNS)}`;
        pool.push(this.fn(base + r.pick(SUFFIXES)));
      }
      this.generated.set(subsystem, pool);
    }
    return pool[this.rng.skewed(pool.length, 0.15)];
  }
}
