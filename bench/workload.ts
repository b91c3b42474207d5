/**
 * What ran on the profiled machine: processes and threads, and for each kind of work a set of stack templates
 * (root → leaf frame ids) with Zipf popularity. A template is a random walk down a per-process call graph, so
 * stacks share prefixes like real ones do, then optionally a library helper and a system call or page fault with
 * its kernel path at the leaf end. The timeline (generate-profile.ts) decides which kind of work each sample is.
 */
import { IDLE_LEAVES, IDLE_OTHER, IDLE_ROOTS, KernelPaths, KTHREADS, PAGE_FAULTS, SyscallName } from './kernel';
import {
  c2Name,
  cNameGen,
  envoyName,
  gcName,
  goNameGen,
  javaName,
  mysqlName,
  NODE_BIN,
  nodeName,
  pythonName,
} from './names';
import { Rng, Zipf } from './prng';
import { LD, LIBC, LIBCRYPTO, LIBSSL, LIBSTDCXX, LIBZ, Sym, SymbolTable, UNKNOWN, VDSO } from './symbols';

export interface Thread {
  comm: string;
  pid: number;
  tid: number;
}

export interface Template {
  /** Root → leaf. */
  frames: Int32Array;
  threads: Thread[];
}

export class TemplateSet {
  private readonly zipf: Zipf;

  constructor(
    readonly templates: Template[],
    skew: number
  ) {
    this.zipf = new Zipf(templates.length, skew);
  }

  pick(rng: Rng): Template {
    return this.templates[this.zipf.sample(rng)];
  }
}

export const WORK_CLASSES = [
  'java',
  'c2',
  'jvm',
  'gc',
  'envoy',
  'mysql',
  'mysqlFlush',
  'node',
  'python',
  'go',
  'kthread',
  'misc',
  'idle',
] as const;
export type WorkClass = (typeof WORK_CLASSES)[number];

export interface Workload {
  symbols: SymbolTable;
  kernel: KernelPaths;
  sets: Record<WorkClass, TemplateSet>;
  swapper: Thread;
}

interface Root {
  frames: Sym[];
  threads: Thread[];
  weight: number;
}

interface LeafChain {
  frames: Sym[];
  /** A system call the chain ends in when the sample lands at its end. */
  then?: SyscallName;
}

interface DomainSpec {
  templates: number;
  depth: [number, number];
  levels: number;
  perLevel: number;
  /** Symbol and DSO of a call-graph function at this depth fraction. */
  name: (depth: number, rng: Rng) => Sym;
  roots: Root[];
  /** A frame after every call-graph frame (CPython's eval loop between perf-trampoline frames). */
  interleave?: Sym;
  /** Replaces a call-graph frame now and then (HotSpot's interpreter). */
  substitute?: { sym: Sym; prob: number };
  leafChains: LeafChain[];
  leafProb: number;
  syscalls: SyscallName[];
  syscallProb: number;
  faultProb: number;
  /** Go calls the kernel without libc. */
  noLibc?: boolean;
}

const JAVA_PID = 1234;
const JIT = `/tmp/perf-${JAVA_PID}.map`;
const JVM = '/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so';
const LIBNIO = '/usr/lib/jvm/java-17-openjdk-amd64/lib/libnio.so';
const LIBZIP = '/usr/lib/jvm/java-17-openjdk-amd64/lib/libzip.so';
const ENVOY = '/usr/local/bin/envoy';
const MYSQLD = '/usr/sbin/mysqld';
const NODE_PID = 4410;
const PYTHON = '/usr/bin/python3.12';
const PY_PID = 5120;

function threads(comm: string | ((i: number) => string), pid: number, firstTid: number, n: number): Thread[] {
  return Array.from({ length: n }, (_, i) => ({
    comm: typeof comm === 'string' ? comm : comm(i),
    pid,
    tid: firstTid + i,
  }));
}

const s = (dso: string, ...names: string[]): Sym[] => names.map((n) => [n, dso] as const);
const JVM_THREAD = [
  ...s(LIBC, '__clone3', 'start_thread'),
  ...s(JVM, 'thread_native_entry(Thread*)', 'Thread::call_run()'),
];

/** Builds every template set; deterministic for a seed. */
export function buildWorkload(seed: number): Workload {
  const rng = new Rng(seed);
  const symbols = new SymbolTable(new Rng(seed ^ 0x51ed));
  const kernel = new KernelPaths(symbols, rng);
  const sets = {} as Record<WorkClass, TemplateSet>;
  const domain = (spec: DomainSpec) => buildDomain(spec, symbols, kernel, rng);

  // ---- Java: a Spring/Tomcat service, its JIT compilers and its garbage collector.
  const http = threads((i) => (i === 0 ? 'java' : 'http-nio-8080-e'), JAVA_PID, 1300, 41).slice(1);
  const kafka = threads('kafka-producer-', JAVA_PID, 1351, 2);
  const javaRoot = [
    ...JVM_THREAD,
    ...s(
      JVM,
      'JavaThread::run()',
      'JavaThread::thread_main_inner()',
      'thread_entry(JavaThread*, JavaThread*)',
      'JavaCalls::call_virtual(JavaValue*, Handle, Klass*, Symbol*, Symbol*, JavaThread*)',
      'JavaCalls::call_helper(JavaValue*, methodHandle const&, JavaCallArguments*, JavaThread*)'
    ),
    ...s(JIT, 'call_stub', 'Ljava/lang/Thread;::run'),
  ];
  sets.java = new TemplateSet(
    domain({
      templates: 7000,
      depth: [24, 60],
      levels: 44,
      perLevel: 28,
      name: (d, r) => [javaName(d, r), JIT],
      roots: [
        {
          frames: [
            ...javaRoot,
            ...s(
              JIT,
              'Lorg/apache/tomcat/util/threads/TaskThread$WrappingRunnable;::run',
              'Ljava/util/concurrent/ThreadPoolExecutor$Worker;::run',
              'Ljava/util/concurrent/ThreadPoolExecutor;::runWorker'
            ),
          ],
          threads: http,
          weight: 0.85,
        },
        {
          frames: [
            ...javaRoot,
            ...s(
              JIT,
              'Lorg/apache/kafka/clients/producer/internals/Sender;::run',
              'Lorg/apache/kafka/clients/producer/internals/Sender;::runOnce'
            ),
          ],
          threads: kafka,
          weight: 0.08,
        },
        // Without frame pointers in some JIT code the walk stops early: a truncated stack under [unknown].
        { frames: s(UNKNOWN, '[unknown]'), threads: http, weight: 0.07 },
      ],
      substitute: { sym: ['Interpreter', JIT], prob: 0.03 },
      leafChains: [
        { frames: [...s(LIBNIO, 'Java_sun_nio_ch_SocketDispatcher_write0')], then: 'writeSock' },
        { frames: [...s(LIBNIO, 'Java_sun_nio_ch_SocketDispatcher_read0')], then: 'read' },
        {
          frames: [
            ...s(
              JVM,
              'OptoRuntime::new_array_C(Klass*, int, JavaThread*)',
              'TypeArrayKlass::allocate_common(int, bool, JavaThread*)',
              'MemAllocator::allocate() const',
              'MemAllocator::mem_allocate_slow(MemAllocator::Allocation&) const',
              'G1CollectedHeap::attempt_allocation_slow(unsigned long)'
            ),
            ...s(LIBC, '__memset_avx2_unaligned_erms'),
          ],
        },
        {
          frames: s(
            JVM,
            'SharedRuntime::resolve_virtual_call_C(JavaThread*)',
            'SharedRuntime::resolve_helper(bool, bool, JavaThread*)',
            'SharedRuntime::resolve_sub_helper(bool, bool, JavaThread*)',
            'LinkResolver::resolve_invoke(CallInfo&, Handle, constantPoolHandle const&, int, Bytecodes::Code, JavaThread*)'
          ),
        },
        {
          frames: [
            ...s(
              JVM,
              'ObjectMonitor::enter(JavaThread*)',
              'ObjectMonitor::EnterI(JavaThread*)',
              'os::PlatformEvent::park()'
            ),
            ...s(LIBC, '___pthread_cond_wait'),
          ],
          then: 'futexWait',
        },
        {
          frames: [
            ...s(JIT, 'Unsafe_Park'),
            ...s(JVM, 'Parker::park(bool, long)'),
            ...s(LIBC, '___pthread_cond_timedwait64'),
          ],
          then: 'futexWait',
        },
        {
          frames: [
            ...s(LIBZIP, 'Java_java_util_zip_Deflater_deflateBytesBytes'),
            ...s(LIBZ, 'deflate', 'deflate_slow', 'longest_match'),
          ],
        },
        { frames: s(JIT, 'StubRoutines::jlong_disjoint_arraycopy') },
        { frames: s(JIT, 'vtable stub') },
      ],
      leafProb: 0.3,
      syscalls: ['futexWait', 'futexWake', 'writeSock', 'read', 'epoll'],
      syscallProb: 0.08,
      faultProb: 0.03,
    }),
    0.85
  );

  const compilerThreads = threads('C2 CompilerThre', JAVA_PID, 1255, 2);
  sets.c2 = new TemplateSet(
    domain({
      templates: 1200,
      depth: [16, 45],
      levels: 30,
      perLevel: 14,
      name: (d, r) => [c2Name(d, r), JVM],
      roots: [
        {
          frames: [
            ...JVM_THREAD,
            ...s(
              JVM,
              'JavaThread::thread_main_inner()',
              'CompileBroker::compiler_thread_loop()',
              'CompileBroker::invoke_compiler_on_method(CompileTask*)',
              'C2Compiler::compile_method(ciEnv*, ciMethod*, int, bool, DirectiveSet*)',
              'Compile::Compile(ciEnv*, ciMethod*, int, Options, DirectiveSet*)'
            ),
          ],
          threads: compilerThreads,
          weight: 0.8,
        },
        {
          frames: [
            ...JVM_THREAD,
            ...s(
              JVM,
              'JavaThread::thread_main_inner()',
              'CompileBroker::compiler_thread_loop()',
              'CompileBroker::invoke_compiler_on_method(CompileTask*)',
              'Compiler::compile_method(ciEnv*, ciMethod*, int, bool, DirectiveSet*)',
              'Compilation::Compilation(AbstractCompiler*, ciEnv*, ciMethod*, int, BufferBlob*, bool, DirectiveSet*)',
              'Compilation::compile_method()'
            ),
          ],
          threads: threads('C1 CompilerThre', JAVA_PID, 1257, 1),
          weight: 0.2,
        },
      ],
      leafChains: [
        {
          frames: [
            ...s(
              JVM,
              'Arena::grow(unsigned long, AllocFailStrategy::AllocFailEnum)',
              'ChunkPool::allocate_chunk(unsigned long, AllocFailStrategy::AllocFailEnum)',
              'os::malloc(unsigned long, MEMFLAGS, NativeCallStack const&)'
            ),
            ...s(LIBC, 'malloc', '_int_malloc'),
          ],
        },
        { frames: s(LIBC, '__memset_avx2_unaligned_erms') },
        { frames: s(JVM, 'Dict::Insert(void*, void*, bool)') },
      ],
      leafProb: 0.25,
      syscalls: ['madvise'],
      syscallProb: 0.01,
      faultProb: 0.05,
    }),
    0.9
  );

  const gcThreads = threads((i) => `GC Thread#${i}`, JAVA_PID, 1240, 12);
  const gcRoots: Root[] = [
    { frames: [...JVM_THREAD, ...s(JVM, 'WorkerThread::run()')], threads: gcThreads, weight: 0.92 },
    {
      frames: [
        ...JVM_THREAD,
        ...s(
          JVM,
          'VMThread::run()',
          'VMThread::inner_execute(VM_Operation*)',
          'VMThread::evaluate_operation(VM_Operation*)',
          'VM_Operation::evaluate()',
          'VM_G1CollectForAllocation::doit()',
          'G1CollectedHeap::do_collection_pause_at_safepoint(double)',
          'G1CollectedHeap::do_collection_pause_at_safepoint_helper(double)',
          'G1YoungCollector::collect()'
        ),
      ],
      threads: threads('VM Thread', JAVA_PID, 1252, 1),
      weight: 0.08,
    },
  ];
  const gcLeaves: LeafChain[] = [
    { frames: s(JVM, 'SpinPause') },
    { frames: s(LIBC, '__memmove_avx_unaligned_erms') },
    { frames: s(JVM, 'Copy::pd_disjoint_words(HeapWordImpl* const*, HeapWordImpl**, unsigned long)') },
    { frames: [...s(JVM, 'os::naked_yield()')], then: 'yield' },
    {
      frames: [...s(JVM, 'PosixSemaphore::wait()'), ...s(LIBC, '__new_sem_wait_slow64.constprop.0')],
      then: 'futexWait',
    },
  ];
  sets.gc = new TemplateSet(
    domain({
      templates: 900,
      depth: [10, 30],
      levels: 18,
      perLevel: 12,
      name: (d, r) => [gcName(d, r), JVM],
      roots: gcRoots,
      leafChains: gcLeaves,
      leafProb: 0.35,
      syscalls: ['futexWake'],
      syscallProb: 0.02,
      faultProb: 0.04,
    }),
    0.8
  );
  sets.jvm = new TemplateSet(
    domain({
      templates: 300,
      depth: [10, 24],
      levels: 12,
      perLevel: 8,
      name: (d, r) => [gcName(d, r), JVM],
      roots: [
        {
          frames: [...JVM_THREAD, ...s(JVM, 'ConcurrentGCThread::run()', 'G1ConcurrentRefineThread::run_service()')],
          threads: threads('G1 Refine#0', JAVA_PID, 1253, 1),
          weight: 0.4,
        },
        {
          frames: [...JVM_THREAD, ...s(JVM, 'ConcurrentGCThread::run()', 'G1ConcurrentMarkThread::run_service()')],
          threads: threads('G1 Conc#0', JAVA_PID, 1254, 1),
          weight: 0.4,
        },
        {
          frames: [...JVM_THREAD, ...s(JVM, 'WatcherThread::run()', 'PeriodicTask::real_time_tick(int)')],
          threads: threads('VM Periodic Tas', JAVA_PID, 1258, 1),
          weight: 0.2,
        },
      ],
      leafChains: gcLeaves,
      leafProb: 0.3,
      syscalls: ['futexWait', 'nanosleep'],
      syscallProb: 0.15,
      faultProb: 0.02,
    }),
    0.8
  );

  // ---- Envoy: event loop, HTTP codecs, filters, upstream and TLS.
  const envoyLeaves: LeafChain[] = [
    { frames: s(LIBC, '__memmove_avx_unaligned_erms') },
    { frames: s(LIBC, '__memcmp_avx2_movbe') },
    { frames: s(LIBC, '__strlen_avx2') },
    {
      frames: [
        ...s(
          ENVOY,
          'Envoy::Network::IoSocketHandleImpl::writev(Envoy::Buffer::RawSlice const*, unsigned long)',
          'Envoy::Api::OsSysCallsImpl::writev(int, iovec const*, int)'
        ),
      ],
      then: 'writev',
    },
    {
      frames: [
        ...s(
          ENVOY,
          'Envoy::Network::IoSocketHandleImpl::readv(unsigned long, Envoy::Buffer::RawSlice*, unsigned long)',
          'Envoy::Api::OsSysCallsImpl::readv(int, iovec const*, int)'
        ),
        ...s(LIBC, 'readv'),
      ],
      then: 'read',
    },
    { frames: s(VDSO, '__vdso_clock_gettime') },
  ];
  sets.envoy = new TemplateSet(
    domain({
      templates: 4000,
      depth: [12, 42],
      levels: 30,
      perLevel: 26,
      name: (d, r) => [envoyName(d, r), ENVOY],
      roots: [
        {
          frames: [
            ...s(LIBC, '__clone3', 'start_thread'),
            ...s(
              ENVOY,
              'Envoy::Thread::ThreadImplPosix::ThreadImplPosix(std::function<void ()>, std::optional<Envoy::Thread::Options> const&)::{lambda(void*)#1}::__invoke(void*)',
              'Envoy::Server::WorkerImpl::threadRoutine(Envoy::Server::GuardDog&, std::function<void ()> const&)',
              'event_base_loop',
              'event_process_active_single_queue'
            ),
          ],
          threads: threads((i) => `wrk:worker_${i}`, 2001, 2020, 8),
          weight: 0.93,
        },
        {
          frames: [
            ...s(ENVOY, '_start'),
            ...s(LIBC, '__libc_start_main_impl', '__libc_start_call_main'),
            ...s(
              ENVOY,
              'main',
              'Envoy::MainCommon::main(int, char**, std::function<void (Envoy::Server::Instance&)>)',
              'Envoy::MainCommonBase::run()',
              'Envoy::Server::InstanceBase::run()',
              'event_base_loop',
              'event_process_active_single_queue'
            ),
          ],
          threads: threads('envoy', 2001, 2001, 1),
          weight: 0.07,
        },
      ],
      leafChains: envoyLeaves,
      leafProb: 0.25,
      syscalls: ['epoll', 'writev', 'recv', 'futexWake'],
      syscallProb: 0.14,
      faultProb: 0.02,
    }),
    0.9
  );

  // ---- MySQL: connection threads running queries; InnoDB background flushing (the once-a-second band).
  const mysqlLeaves: LeafChain[] = [
    { frames: s(LIBC, '__memmove_avx_unaligned_erms') },
    { frames: s(LIBC, 'malloc', '_int_malloc') },
    { frames: s(LIBC, 'pthread_mutex_lock@@GLIBC_2.2.5') },
    {
      frames: [
        ...s(
          MYSQLD,
          'Protocol_classic::flush()',
          'vio_write(Vio*, unsigned char const*, unsigned long)',
          'vio_ssl_write(Vio*, unsigned char const*, unsigned long)'
        ),
        ...s(LIBSSL, 'SSL_write', 'ssl3_write_bytes', 'tls_write_records_default'),
        ...s(LIBCRYPTO, 'EVP_EncryptUpdate', 'aesni_gcm_encrypt'),
      ],
      then: 'writeSock',
    },
    {
      frames: [
        ...s(
          MYSQLD,
          'os_file_read_page(IORequest&, char const*, int, unsigned char*, unsigned long, unsigned long, unsigned long*, bool)'
        ),
      ],
      then: 'preadXfs',
    },
    { frames: s(LIBSTDCXX, 'std::_Rb_tree_increment(std::_Rb_tree_node_base*)') },
  ];
  const connections = threads('connection', 3021, 3100, 24);
  sets.mysql = new TemplateSet(
    domain({
      templates: 3500,
      depth: [14, 48],
      levels: 34,
      perLevel: 20,
      name: (d, r) => [mysqlName(d, r), MYSQLD],
      roots: [
        {
          frames: [
            ...s(LIBC, '__clone3', 'start_thread'),
            ...s(
              MYSQLD,
              'pfs_spawn_thread(void*)',
              'handle_connection(void*)',
              'do_command(THD*)',
              'dispatch_command(THD*, COM_DATA const*, enum_server_command)',
              'dispatch_sql_command(THD*, Parser_state*)',
              'mysql_execute_command(THD*, bool)'
            ),
          ],
          threads: connections,
          weight: 1,
        },
      ],
      leafChains: mysqlLeaves,
      leafProb: 0.25,
      syscalls: ['recv', 'futexWait', 'preadXfs', 'pwrite'],
      syscallProb: 0.1,
      faultProb: 0.02,
    }),
    0.9
  );
  const bgThreads = [
    ...threads('ib_pg_flush_co', 3021, 3050, 1),
    ...threads((i) => `ib_pg_flush-${i + 1}`, 3021, 3051, 3),
    ...threads('ib_log_writer', 3021, 3055, 1),
    ...threads('ib_log_flush', 3021, 3056, 1),
  ];
  sets.mysqlFlush = new TemplateSet(
    domain({
      templates: 500,
      depth: [12, 32],
      levels: 16,
      perLevel: 10,
      name: (d, r) => [mysqlName(0.45 + d * 0.55, r), MYSQLD],
      roots: [
        {
          frames: [
            ...s(LIBC, '__clone3', 'start_thread'),
            ...s(LIBSTDCXX, 'execute_native_thread_routine'),
            ...s(
              MYSQLD,
              'void Detached_thread::operator()<void (*)()>(void (*&&)())',
              'buf_flush_page_coordinator_thread()',
              'pc_flush_slot()'
            ),
          ],
          threads: bgThreads,
          weight: 1,
        },
      ],
      leafChains: [
        {
          frames: s(
            MYSQLD,
            'os_aio_func(IORequest&, AIO_mode, char const*, pfs_os_file_t, void*, unsigned long, unsigned long, bool, fil_node_t*, void*)'
          ),
          then: 'pwrite',
        },
        { frames: s(MYSQLD, 'ut_crc32_hw(unsigned char const*, unsigned long)') },
      ],
      leafProb: 0.35,
      syscalls: ['fsync', 'pwrite'],
      syscallProb: 0.25,
      faultProb: 0.01,
    }),
    0.8
  );

  // ---- Node.js API server: libuv loop into V8 JIT code (perf map).
  const nodeJit = `/tmp/perf-${NODE_PID}.map`;
  sets.node = new TemplateSet(
    domain({
      templates: 1800,
      depth: [20, 50],
      levels: 30,
      perLevel: 18,
      name: (d, r) => {
        const [n, builtin] = nodeName(d, r);
        return [n, builtin ? NODE_BIN : nodeJit];
      },
      roots: [
        {
          frames: [
            ...s(NODE_BIN, '_start'),
            ...s(LIBC, '__libc_start_main_impl', '__libc_start_call_main'),
            ...s(
              NODE_BIN,
              'main',
              'node::Start(int, char**)',
              'node::NodeMainInstance::Run()',
              'node::SpinEventLoop(node::Environment*)',
              'uv_run',
              'uv__io_poll',
              'uv__stream_io',
              'uv__read',
              'node::LibuvStreamWrap::OnUvRead(long, uv_buf_t const*)',
              'node::EmitToJSStreamListener::OnStreamRead(long, uv_buf_t const&)',
              'node::InternalMakeCallback(node::Environment*, v8::Local<v8::Object>, v8::Local<v8::Object>, v8::Local<v8::Function>, int, v8::Local<v8::Value>*, node::async_context)',
              'v8::Function::Call(v8::Local<v8::Context>, v8::Local<v8::Value>, int, v8::Local<v8::Value>*)',
              'v8::internal::Execution::Call(v8::internal::Isolate*, v8::internal::Handle<v8::internal::Object>, v8::internal::Handle<v8::internal::Object>, int, v8::internal::Handle<v8::internal::Object>*)',
              'Builtins_JSEntry',
              'Builtins_JSEntryTrampoline'
            ),
          ],
          threads: threads('node', NODE_PID, NODE_PID, 1),
          weight: 1,
        },
      ],
      leafChains: [
        {
          frames: s(
            NODE_BIN,
            'v8::internal::Runtime_JsonParse(int, unsigned long*, v8::internal::Isolate*)',
            'v8::internal::JsonParser<unsigned char>::ParseJson(v8::internal::Handle<v8::internal::Object>)',
            'v8::internal::JsonParser<unsigned char>::ParseJsonValue()'
          ),
        },
        { frames: s(NODE_BIN, 'Builtins_StringAdd_CheckNone') },
        {
          frames: s(
            NODE_BIN,
            'v8::internal::Heap::CollectGarbage(v8::internal::AllocationSpace, v8::internal::GarbageCollectionReason, v8::GCCallbackFlags)',
            'v8::internal::Heap::PerformGarbageCollection(v8::internal::GarbageCollector, v8::internal::GarbageCollectionReason, char const*)',
            'v8::internal::ScavengerCollector::CollectGarbage()',
            'v8::internal::Scavenger::Process(v8::JobDelegate*)'
          ),
        },
        {
          frames: s(
            NODE_BIN,
            'node::LibuvStreamWrap::DoTryWrite(uv_buf_t**, unsigned long*)',
            'uv_try_write',
            'uv__try_write'
          ),
          then: 'writeSock',
        },
      ],
      leafProb: 0.3,
      syscalls: ['writeSock', 'epoll'],
      syscallProb: 0.06,
      faultProb: 0.03,
    }),
    0.9
  );

  // ---- CPython 3.12 with perf trampolines: Python frames interleaved with the eval loop.
  const pyJit = `/tmp/perf-${PY_PID}.map`;
  sets.python = new TemplateSet(
    domain({
      templates: 1500,
      depth: [22, 58],
      levels: 26,
      perLevel: 16,
      name: (d, r) => [pythonName(d, r), pyJit],
      interleave: ['_PyEval_EvalFrameDefault', PYTHON],
      roots: [
        {
          frames: [
            ...s(PYTHON, '_start'),
            ...s(LIBC, '__libc_start_main_impl', '__libc_start_call_main'),
            ...s(
              PYTHON,
              'Py_BytesMain',
              'Py_RunMain',
              'pymain_run_python.constprop.0',
              '_PyRun_AnyFileObject',
              '_PyRun_SimpleFileObject',
              'run_mod',
              'run_eval_code_obj',
              'PyEval_EvalCode'
            ),
            ...s(pyJit, 'py::<module>:/srv/worker/main.py'),
            ...s(PYTHON, '_PyEval_EvalFrameDefault'),
          ],
          threads: threads('python3', PY_PID, PY_PID, 1),
          weight: 0.5,
        },
        {
          frames: [
            ...s(LIBC, '__clone3', 'start_thread'),
            ...s(PYTHON, 'thread_run', '_PyObject_Call', '_PyFunction_Vectorcall'),
            ...s(pyJit, 'py::Thread._bootstrap:/usr/lib/python3.12/threading.py'),
            ...s(PYTHON, '_PyEval_EvalFrameDefault'),
          ],
          threads: threads('python3', PY_PID, 5131, 4),
          weight: 0.5,
        },
      ],
      leafChains: [
        { frames: s(PYTHON, 'PyObject_Vectorcall', '_PyObject_MakeTpCall', 'method_vectorcall_O') },
        { frames: s(PYTHON, 'dict_subscript', '_Py_dict_lookup', 'unicode_eq') },
        { frames: s(PYTHON, '_PyObject_Malloc', 'pymalloc_alloc') },
        {
          frames: [
            ...s(PYTHON, '_PyObject_MakeTpCall'),
            ...s(
              '/usr/local/lib/python3.12/dist-packages/numpy/core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so',
              'array_implement_array_function',
              'PyArray_MatrixProduct2',
              'cblas_dgemm'
            ),
            ...s(
              '/usr/local/lib/python3.12/dist-packages/numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.dev.so',
              'dgemm_kernel_HASWELL'
            ),
          ],
        },
        {
          frames: [
            ...s(PYTHON, '_PyObject_MakeTpCall'),
            ...s(
              '/usr/lib/python3.12/lib-dynload/_json.cpython-312-x86_64-linux-gnu.so',
              'scanner_call',
              'scan_once_unicode',
              '_parse_object_unicode'
            ),
          ],
        },
      ],
      leafProb: 0.45,
      syscalls: ['read', 'futexWait', 'stat'],
      syscallProb: 0.05,
      faultProb: 0.02,
    }),
    0.85
  );

  // ---- Go daemons: no libc, kernel entered from the Go runtime.
  const goLeaves: LeafChain[] = [
    {
      frames: s(
        '',
        'runtime.mallocgc',
        'runtime.(*mcache).nextFree',
        'runtime.(*mcache).refill',
        'runtime.(*mcentral).cacheSpan'
      ),
    },
    { frames: s('', 'runtime.memmove') },
    { frames: s('', 'runtime.mapaccess2_faststr') },
    { frames: s('', 'runtime.morestack.abi0', 'runtime.newstack', 'runtime.copystack') },
    { frames: s('', 'syscall.Syscall', 'syscall.RawSyscall6'), then: 'read' },
    { frames: s('', 'runtime.futexsleep', 'runtime.futex.abi0'), then: 'futexWait' },
  ];
  const goSets: Template[] = [];
  for (const [bin, pid, comm, pkgs] of [
    [
      '/usr/bin/containerd',
      880,
      'containerd',
      [
        'github.com/containerd/containerd/v2/core/runtime/v2',
        'github.com/containerd/containerd/v2/plugins/services/tasks',
        'github.com/containerd/ttrpc',
        'google.golang.org/grpc',
        'google.golang.org/grpc/internal/transport',
        'github.com/containerd/cgroups/v3/cgroup2',
        'google.golang.org/protobuf/internal/impl',
        'encoding/json',
        'bufio',
        'sync',
        'os',
      ],
    ],
    [
      '/usr/bin/kubelet',
      1020,
      'kubelet',
      [
        'k8s.io/kubernetes/pkg/kubelet',
        'k8s.io/kubernetes/pkg/kubelet/pleg',
        'k8s.io/kubernetes/pkg/kubelet/stats',
        'k8s.io/client-go/tools/cache',
        'k8s.io/apimachinery/pkg/util/wait',
        'k8s.io/apimachinery/pkg/runtime',
        'sigs.k8s.io/structured-merge-diff/v4/fieldpath',
        'github.com/google/cadvisor/manager',
        'github.com/opencontainers/runc/libcontainer/cgroups/fs2',
        'github.com/prometheus/client_golang/prometheus',
        'net/http',
        'reflect',
      ],
    ],
  ] as const) {
    const gen = goNameGen([...pkgs]);
    const leaves = goLeaves.map((l) => ({ ...l, frames: l.frames.map(([n]) => [n, bin] as const) }));
    goSets.push(
      ...domain({
        templates: 700,
        depth: [10, 34],
        levels: 22,
        perLevel: 16,
        name: (d, r) => [gen(d, r), bin],
        roots: [
          { frames: s(bin, 'runtime.goexit.abi0'), threads: threads(comm, pid, pid + 1, 14), weight: 0.9 },
          {
            frames: s(
              bin,
              'runtime.mstart.abi0',
              'runtime.mstart0',
              'runtime.mstart1',
              'runtime.schedule',
              'runtime.findRunnable'
            ),
            threads: threads(comm, pid, pid + 1, 14),
            weight: 0.1,
          },
        ],
        leafChains: leaves,
        leafProb: 0.35,
        syscalls: ['epoll', 'futexWake', 'read', 'openat'],
        syscallProb: 0.06,
        faultProb: 0.02,
        noLibc: true,
      })
    );
  }
  sets.go = new TemplateSet(shuffle(goSets, rng), 0.85);

  // ---- Small native processes: perf itself, sshd, journald, bash (stripped: [unknown] frames).
  const misc: Template[] = [];
  misc.push(
    ...domain({
      templates: 250,
      depth: [10, 26],
      levels: 8,
      perLevel: 8,
      name: (d, r) => [
        cNameGen(
          ['perf_', 'evlist__', 'record__', 'mmap__', 'zstd_'],
          ['mmap', 'event', 'sample', 'buffer', 'ring'],
          ['push', 'read', 'consume', 'write', 'compress']
        )(d, r),
        '/usr/bin/perf',
      ],
      roots: [
        {
          frames: [
            ...s('/usr/bin/perf', '_start'),
            ...s(LIBC, '__libc_start_main_impl', '__libc_start_call_main'),
            ...s(
              '/usr/bin/perf',
              'main',
              'run_builtin',
              'cmd_record',
              '__cmd_record',
              'record__mmap_read_all',
              'record__mmap_read_evlist'
            ),
          ],
          threads: threads('perf', 999, 999, 1),
          weight: 1,
        },
      ],
      leafChains: [{ frames: s('/usr/bin/perf', 'record__pushfn', 'record__write'), then: 'pwrite' }],
      leafProb: 0.4,
      syscalls: ['poll'],
      syscallProb: 0.15,
      faultProb: 0.02,
    })
  );
  misc.push(
    ...domain({
      templates: 200,
      depth: [10, 22],
      levels: 8,
      perLevel: 8,
      name: (d, r) => [
        cNameGen(
          ['channel_', 'sshbuf_', 'packet_', 'cipher_', 'ssh_'],
          ['input', 'output', 'handle', 'buffer', 'packet'],
          ['read', 'write', 'process', 'crypt', 'put']
        )(d, r),
        '/usr/sbin/sshd',
      ],
      roots: [
        {
          frames: [
            ...s('/usr/sbin/sshd', '_start'),
            ...s(LIBC, '__libc_start_main_impl', '__libc_start_call_main'),
            ...s('/usr/sbin/sshd', 'main', 'do_authenticated', 'server_loop2'),
          ],
          threads: threads('sshd', 1502, 1502, 1),
          weight: 1,
        },
      ],
      leafChains: [{ frames: s(LIBCRYPTO, 'EVP_Cipher', 'ChaCha20_ctr32_avx2') }],
      leafProb: 0.3,
      syscalls: ['poll', 'writeSock', 'read'],
      syscallProb: 0.3,
      faultProb: 0.01,
    })
  );
  misc.push(
    ...domain({
      templates: 150,
      depth: [10, 24],
      levels: 8,
      perLevel: 8,
      name: (d, r) => [
        cNameGen(
          ['journal_file_', 'sd_event_', 'server_', 'mmap_cache_'],
          ['entry', 'data', 'object', 'field', 'message'],
          ['append', 'link', 'find', 'dispatch', 'hash']
        )(d, r),
        '/usr/lib/systemd/systemd-journald',
      ],
      roots: [
        {
          frames: [
            ...s('/usr/lib/systemd/systemd-journald', '_start'),
            ...s(LIBC, '__libc_start_main_impl', '__libc_start_call_main'),
            ...s('/usr/lib/systemd/systemd-journald', 'main'),
            ...s('/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so', 'sd_event_run', 'sd_event_dispatch'),
          ],
          threads: threads('systemd-journal', 412, 412, 1),
          weight: 1,
        },
      ],
      leafChains: [
        { frames: s(LIBZ, 'crc32_z') },
        { frames: s(LD, '_dl_runtime_resolve_xsavec', '_dl_fixup', '_dl_lookup_symbol_x', 'do_lookup_x') },
      ],
      leafProb: 0.3,
      syscalls: ['pwrite', 'fsync'],
      syscallProb: 0.2,
      faultProb: 0.05,
    })
  );
  misc.push(
    ...domain({
      templates: 40,
      depth: [10, 20],
      levels: 12,
      perLevel: 1,
      name: () => ['[unknown]', '/usr/bin/bash'],
      roots: [{ frames: s('/usr/bin/bash', '_start'), threads: threads('bash', 2750, 2750, 1), weight: 1 }],
      leafChains: [{ frames: s(LIBC, '__strlen_avx2') }],
      leafProb: 0.3,
      syscalls: ['read', 'stat'],
      syscallProb: 0.3,
      faultProb: 0.1,
    })
  );
  sets.misc = new TemplateSet(shuffle(misc, rng), 0.8);

  // ---- Kernel threads and the idle loop.
  const kthreads: Template[] = [];
  let kpid = 14;
  for (const kt of KTHREADS) {
    const t = [{ comm: kt.comm, pid: kpid, tid: kpid }];
    kpid += 7;
    for (let i = 0; i < 50; i++) {
      kthreads.push({
        frames: Int32Array.from(kernel.landing(rng.pick(kt.paths), kt.comm.replace(/[^a-z]+.*$/, ''), 5)),
        threads: t,
      });
    }
  }
  sets.kthread = new TemplateSet(dedupe(kthreads), 0.7);
  const swapper = { comm: 'swapper', pid: 0, tid: 0 };
  const idle: Template[] = [];
  for (const root of IDLE_ROOTS) {
    for (const leaf of IDLE_LEAVES) {
      idle.push({ frames: Int32Array.from(kernel.path([...root, ...leaf])), threads: [swapper] });
    }
  }
  for (const path of IDLE_OTHER) {
    for (let i = 0; i < 6; i++) {
      idle.push({ frames: Int32Array.from(kernel.landing(path, 'sched', path.length - 2)), threads: [swapper] });
    }
  }
  sets.idle = new TemplateSet(dedupe(idle), 1.6);

  return { symbols, kernel, sets, swapper };
}

/** One process's templates: random walks over a layered call graph, each ending in an optional leaf/tail. */
function buildDomain(spec: DomainSpec, symbols: SymbolTable, kernel: KernelPaths, rng: Rng): Template[] {
  const levels: number[][] = [];
  const seen = new Set<string>();
  for (let l = 0; l < spec.levels; l++) {
    const pool: number[] = [];
    for (let i = 0; i < spec.perLevel; i++) {
      let sym = spec.name(l / spec.levels, rng);
      for (let tries = 0; seen.has(sym[0]) && tries < 12; tries++) {
        sym = spec.name(l / spec.levels, rng);
      }
      seen.add(sym[0]);
      pool.push(symbols.fn(sym[0], sym[1]));
    }
    levels.push(pool);
  }
  const callees = new Map<number, number[]>();
  const calleesOf = (fn: number, level: number): number[] => {
    let c = callees.get(fn);
    if (!c) {
      const next = levels[level + 1];
      c = Array.from({ length: rng.range(2, 6) }, () => rng.pick(next));
      callees.set(fn, c);
    }
    return c;
  };
  const roots = spec.roots.map((r) => ({ ...r, ids: r.frames.map(([n, d]) => symbols.fn(n, d)) }));
  const leafChains = spec.leafChains.map((l) => ({ ...l, ids: l.frames.map(([n, d]) => symbols.fn(n, d)) }));
  const interleave = spec.interleave ? symbols.fn(spec.interleave[0], spec.interleave[1]) : -1;
  const substitute = spec.substitute ? symbols.fn(spec.substitute.sym[0], spec.substitute.sym[1]) : -1;
  const totalWeight = roots.reduce((a, r) => a + r.weight, 0);

  const out: Template[] = [];
  const keys = new Set<string>();
  for (let attempt = 0; out.length < spec.templates && attempt < spec.templates * 6; attempt++) {
    let u = rng.next() * totalWeight;
    const root = roots.find((r) => (u -= r.weight) < 0) ?? roots[0];
    const depth = rng.range(spec.depth[0], spec.depth[1]);

    let tail: number[] = [];
    const syscall = (name: SyscallName) => {
      const sc = kernel.syscall(name);
      return spec.noLibc ? sc.kernel : [...sc.user, ...sc.kernel];
    };
    const r = rng.next();
    if (r < spec.syscallProb) {
      tail = syscall(rng.pick(spec.syscalls));
    } else if (r < spec.syscallProb + spec.faultProb) {
      tail = kernel.landing(rng.pick(PAGE_FAULTS), 'mm', 4);
    }
    let leaf: number[] = [];
    if (rng.chance(spec.leafProb)) {
      const chain = rng.pick(leafChains);
      const n = rng.range(1, chain.ids.length);
      leaf = chain.ids.slice(0, n);
      if (n === chain.ids.length && chain.then && tail.length === 0 && rng.chance(0.75)) {
        tail = syscall(chain.then);
      }
    }

    const frames = [...root.ids];
    const step = interleave >= 0 ? 2 : 1;
    const walk = Math.max(1, Math.floor((depth - frames.length - leaf.length - tail.length) / step));
    let fn = levels[0][rng.skewed(spec.perLevel, 0.2)];
    for (let level = 0; level < walk; level++) {
      frames.push(substitute >= 0 && rng.chance(spec.substitute!.prob) ? substitute : fn);
      if (interleave >= 0) {
        frames.push(interleave);
      }
      if (level + 1 >= levels.length) {
        break;
      }
      const c = calleesOf(fn, level);
      fn = c[rng.skewed(c.length, 0.5)];
    }
    frames.push(...leaf, ...tail);
    const key = frames.join(',');
    if (!keys.has(key)) {
      keys.add(key);
      out.push({ frames: Int32Array.from(frames), threads: root.threads });
    }
  }
  return out;
}

function dedupe(templates: Template[]): Template[] {
  const keys = new Set<string>();
  return templates.filter((t) => {
    const key = t.frames.join(',');
    return keys.has(key) ? false : (keys.add(key), true);
  });
}

/** Mixed sources in one set: shuffle so Zipf ranks do not favour whichever was built first. */
function shuffle<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
