/**
 * Symbol vocabularies for the generated processes. Names are composed from real-looking parts so that the profile
 * has thousands of distinct functions with the length and punctuation of real ones: Java frames from a perf map,
 * demangled C++ with templates, lambdas and argument lists, Go's `pkg.(*T).M`, V8 and CPython perf-map entries.
 * Each generator takes the call depth as a fraction (0 = near the root, 1 = near the leaf) so that frameworks sit
 * above application code and libraries below it.
 */
import { Rng } from './prng';

export type NameGen = (depth: number, rng: Rng) => string;

const pick = <T>(rng: Rng, a: readonly T[]): T => rng.pick(a);
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

// ---------------------------------------------------------------- Java (perf-map-agent: `Lpkg/Class;::method`)
interface JavaGroup {
  classes: string[];
  methods: string[];
}
// prettier-ignore
const JAVA_FRAMEWORK: JavaGroup[] = [
  {
    classes: [
      'org/apache/catalina/core/StandardWrapperValve', 'org/apache/catalina/core/StandardContextValve',
      'org/apache/catalina/core/StandardHostValve', 'org/apache/catalina/core/StandardEngineValve',
      'org/apache/catalina/core/ApplicationFilterChain', 'org/apache/catalina/connector/CoyoteAdapter',
      'org/apache/catalina/valves/ErrorReportValve', 'org/apache/coyote/http11/Http11Processor',
      'org/apache/coyote/AbstractProcessorLight', 'org/apache/coyote/AbstractProtocol$ConnectionHandler',
      'org/apache/tomcat/util/net/NioEndpoint$SocketProcessor', 'org/apache/tomcat/util/net/SocketProcessorBase',
    ],
    methods: ['invoke', 'doFilter', 'internalDoFilter', 'service', 'process', 'doRun', 'run', 'asyncDispatch'],
  },
  {
    classes: [
      'org/springframework/web/servlet/DispatcherServlet', 'org/springframework/web/servlet/FrameworkServlet',
      'org/springframework/web/servlet/mvc/method/annotation/RequestMappingHandlerAdapter',
      'org/springframework/web/servlet/mvc/method/annotation/ServletInvocableHandlerMethod',
      'org/springframework/web/method/support/InvocableHandlerMethod',
      'org/springframework/web/filter/OncePerRequestFilter', 'org/springframework/web/filter/RequestContextFilter',
      'org/springframework/security/web/FilterChainProxy',
      'org/springframework/security/web/FilterChainProxy$VirtualFilterChain',
      'org/springframework/security/web/access/intercept/AuthorizationFilter',
      'org/springframework/aop/framework/ReflectiveMethodInvocation',
      'org/springframework/aop/framework/CglibAopProxy$DynamicAdvisedInterceptor',
      'org/springframework/transaction/interceptor/TransactionInterceptor',
      'org/springframework/transaction/interceptor/TransactionAspectSupport',
      'io/micrometer/core/instrument/binder/http/DefaultHttpServletRequestTagsProvider',
      'io/opentelemetry/javaagent/instrumentation/servlet/v5_0/JakartaServletServiceAdvice',
    ],
    methods: [
      'doService', 'doDispatch', 'processRequest', 'handle', 'handleInternal', 'invokeHandlerMethod', 'invokeAndHandle',
      'invokeForRequest', 'doInvoke', 'doFilter', 'doFilterInternal', 'proceed', 'intercept', 'invokeWithinTransaction',
      'applyPreHandle', 'onEnter',
    ],
  },
];
// prettier-ignore
const JAVA_AREAS = [
  'order', 'cart', 'payment', 'inventory', 'catalog', 'customer', 'pricing', 'shipping', 'search', 'recommendation',
  'review', 'auth', 'notification', 'loyalty', 'fraud', 'tax', 'invoice', 'promotion', 'warehouse',
];
// prettier-ignore
const JAVA_LAYERS = [
  'web', 'service', 'service/impl', 'repository', 'domain', 'mapper', 'client', 'cache', 'validation', 'events',
];
// prettier-ignore
const JAVA_SUFFIXES = [
  'Service', 'ServiceImpl', 'Controller', 'Repository', 'Mapper', 'Validator', 'Client', 'Cache', 'Calculator',
  'Assembler', 'EventPublisher', 'Handler', 'Policy', 'Resolver', 'Facade', 'Converter', 'Aggregator',
];
// prettier-ignore
const JAVA_VERBS = [
  'get', 'find', 'load', 'save', 'update', 'validate', 'calculate', 'apply', 'build', 'resolve', 'process', 'handle',
  'convert', 'map', 'check', 'compute', 'fetch', 'publish', 'enrich', 'lookup', 'score', 'merge', 'normalize', 'to',
];
// prettier-ignore
const JAVA_NOUNS = [
  'ById', 'ByCustomer', 'Items', 'Total', 'Price', 'Discounts', 'Status', 'Request', 'Response', 'Lines', 'Rules',
  'Tax', 'Availability', 'Recommendations', 'Token', 'Session', 'Address', 'Quote', 'Summary', 'Batch', 'Dto', 'Entity',
];
// prettier-ignore
const JAVA_LIBS: JavaGroup[] = [
  {
    classes: [
      'com/fasterxml/jackson/databind/ser/BeanSerializer', 'com/fasterxml/jackson/databind/ser/std/BeanSerializerBase',
      'com/fasterxml/jackson/databind/ser/BeanPropertyWriter',
      'com/fasterxml/jackson/databind/ser/std/CollectionSerializer',
      'com/fasterxml/jackson/core/json/UTF8JsonGenerator', 'com/fasterxml/jackson/databind/deser/BeanDeserializer',
      'com/fasterxml/jackson/databind/deser/impl/MethodProperty',
      'com/fasterxml/jackson/core/json/UTF8StreamJsonParser', 'com/fasterxml/jackson/databind/ObjectMapper',
      'com/fasterxml/jackson/databind/ObjectWriter',
    ],
    methods: [
      'serialize', 'serializeFields', 'serializeAsField', 'serializeContents', 'writeString', '_writeStringSegment',
      'deserializeFromObject', 'deserializeAndSet', 'nextToken', '_parseName', 'writeValueAsString',
      '_configAndWriteValue',
    ],
  },
  {
    classes: [
      'org/hibernate/internal/SessionImpl', 'org/hibernate/event/internal/DefaultFlushEntityEventListener',
      'org/hibernate/event/internal/AbstractFlushingEventListener',
      'org/hibernate/engine/internal/StatefulPersistenceContext', 'org/hibernate/loader/ast/internal/SingleIdLoadPlan',
      'org/hibernate/sql/results/internal/RowProcessingStateStandardImpl',
      'org/hibernate/sql/exec/internal/JdbcSelectExecutorStandardImpl',
      'org/hibernate/persister/entity/AbstractEntityPersister', 'org/hibernate/type/descriptor/jdbc/BasicExtractor',
      'org/hibernate/query/sqm/internal/ConcreteSqmSelectQueryPlan',
    ],
    methods: [
      'find', 'flush', 'autoFlushIfRequired', 'onFlushEntity', 'flushEverythingToExecutions', 'getEntity', 'load',
      'executeQuery', 'doExecuteQuery', 'extract', 'hydrate', 'performList', 'resolveInstance', 'getResultList',
    ],
  },
  {
    classes: [
      'org/postgresql/jdbc/PgPreparedStatement', 'org/postgresql/core/v3/QueryExecutorImpl',
      'org/postgresql/core/PGStream', 'org/postgresql/core/VisibleBufferedInputStream',
      'org/postgresql/jdbc/PgResultSet', 'com/zaxxer/hikari/pool/HikariPool',
      'com/zaxxer/hikari/pool/ProxyPreparedStatement', 'com/zaxxer/hikari/pool/HikariProxyConnection',
    ],
    methods: [
      'executeQuery', 'executeWithFlags', 'execute', 'processResults', 'receiveTupleV3', 'receiveChar', 'read',
      'readMore', 'getString', 'getConnection', 'prepareStatement', 'sendQuery', 'sendParse',
    ],
  },
  {
    classes: [
      'ch/qos/logback/classic/Logger', 'ch/qos/logback/core/OutputStreamAppender',
      'ch/qos/logback/core/UnsynchronizedAppenderBase', 'ch/qos/logback/classic/pattern/DateConverter',
      'net/logstash/logback/encoder/LogstashEncoder', 'org/apache/kafka/clients/producer/KafkaProducer',
      'org/apache/kafka/clients/producer/internals/RecordAccumulator',
      'org/apache/kafka/common/record/MemoryRecordsBuilder', 'org/apache/kafka/common/utils/Crc32C',
      'com/github/benmanes/caffeine/cache/BoundedLocalCache', 'com/google/common/collect/ImmutableList',
      'io/netty/buffer/AbstractByteBuf', 'io/netty/channel/DefaultChannelPipeline',
      'io/micrometer/core/instrument/Timer',
    ],
    methods: [
      'info', 'debug', 'filterAndLog_1', 'subAppend', 'doAppend', 'convert', 'encode', 'send', 'doSend', 'append',
      'appendWithOffset', 'compute', 'computeIfAbsent', 'afterRead', 'copyOf', 'writeBytes', 'fireChannelRead',
      'record',
    ],
  },
];
// prettier-ignore
const JAVA_JDK: JavaGroup[] = [
  {
    classes: [
      'java/util/HashMap', 'java/util/concurrent/ConcurrentHashMap', 'java/util/LinkedHashMap', 'java/util/TreeMap',
    ],
    methods: [
      'get', 'getNode', 'put', 'putVal', 'resize', 'hash', 'computeIfAbsent', 'containsKey', 'remove', 'removeNode',
      'afterNodeAccess', 'getEntry',
    ],
  },
  {
    classes: ['java/lang/String', 'java/lang/StringLatin1', 'java/lang/StringUTF16', 'java/lang/StringConcatHelper'],
    methods: [
      'equals', 'hashCode', 'indexOf', 'substring', 'charAt', 'split', 'format', 'valueOf', 'toLowerCase',
      'regionMatches', 'compareTo', 'newString', 'inflate', 'simpleConcat',
    ],
  },
  {
    classes: ['java/lang/StringBuilder', 'java/lang/AbstractStringBuilder', 'java/lang/Integer', 'java/lang/Long'],
    methods: [
      'append', 'toString', 'ensureCapacityInternal', 'newCapacity', 'putStringAt', 'getChars', 'stringSize',
      'parseLong',
    ],
  },
  {
    classes: [
      'java/util/ArrayList', 'java/util/ArrayList$Itr', 'java/util/Arrays',
      'java/util/Collections$UnmodifiableCollection$1', 'java/util/TimSort',
    ],
    methods: [
      'add', 'grow', 'get', 'iterator', 'next', 'hasNext', 'copyOf', 'copyOfRange', 'sort', 'forEach', 'binarySort',
      'mergeLo',
    ],
  },
  {
    classes: [
      'java/util/stream/ReferencePipeline', 'java/util/stream/ReferencePipeline$3$1',
      'java/util/stream/AbstractPipeline', 'java/util/stream/ReduceOps$3ReducingSink', 'java/util/stream/Collectors',
    ],
    methods: [
      'accept', 'collect', 'copyInto', 'wrapAndCopyInto', 'evaluate', 'forEachRemaining', 'lambda$toList$2', 'begin',
      'end',
    ],
  },
  {
    classes: [
      'java/util/regex/Pattern$Curly', 'java/util/regex/Pattern$CharProperty', 'java/util/regex/Matcher',
      'java/util/regex/Pattern$Start',
    ],
    methods: ['match', 'find', 'search', 'matches', 'match0'],
  },
  {
    classes: [
      'java/time/format/DateTimeFormatter', 'java/time/format/DateTimeFormatterBuilder$CompositePrinterParser',
      'java/time/LocalDateTime', 'java/time/ZonedDateTime',
    ],
    methods: ['format', 'formatTo', 'parse', 'ofInstant', 'plus', 'toEpochSecond'],
  },
  {
    classes: ['java/math/BigDecimal', 'java/math/BigInteger', 'java/math/MutableBigInteger'],
    methods: ['add', 'multiply', 'setScale', 'divideAndRound', 'compareTo', 'toString', 'layoutChars', 'divideKnuth'],
  },
  {
    classes: [
      'jdk/internal/misc/Unsafe', 'java/util/concurrent/locks/AbstractQueuedSynchronizer',
      'java/util/concurrent/locks/ReentrantLock$Sync', 'java/util/concurrent/locks/LockSupport',
    ],
    methods: ['park', 'unpark', 'acquire', 'release', 'tryAcquire', 'lock', 'compareAndSetInt', 'getAndAddInt'],
  },
  {
    classes: [
      'sun/nio/ch/SocketChannelImpl', 'sun/nio/ch/IOUtil', 'sun/nio/ch/NioSocketImpl', 'sun/nio/ch/NioSocketImpl$1',
    ],
    methods: ['read', 'write', 'readIntoNativeBuffer', 'writeFromNativeBuffer', 'implRead', 'timedRead'],
  },
  {
    classes: [
      'java/util/zip/CRC32C', 'java/security/MessageDigest', 'sun/security/provider/DigestBase',
      'sun/security/provider/SHA2', 'javax/crypto/Cipher', 'com/sun/crypto/provider/GaloisCounterMode$GCMEngine',
      'sun/security/ssl/SSLSocketImpl$AppOutputStream',
    ],
    methods: ['update', 'digest', 'implCompress', 'implCompress0', 'doFinal', 'engineUpdate', 'encrypt', 'write'],
  },
];

function javaGroup(rng: Rng, groups: JavaGroup[]): string {
  const g = pick(rng, groups);
  return `L${pick(rng, g.classes)};::${pick(rng, g.methods)}`;
}

function javaApp(rng: Rng): string {
  const area = pick(rng, JAVA_AREAS);
  let cls = `com/acme/shop/${area}/${pick(rng, JAVA_LAYERS)}/${cap(area)}${pick(rng, JAVA_SUFFIXES)}`;
  if (rng.chance(0.08)) {
    cls += `$$SpringCGLIB$$${rng.int(3)}`;
  } else if (rng.chance(0.06)) {
    cls += `$$Lambda$${rng.range(900, 4999)}/0x0000000801${rng.int(0xffffff).toString(16).padStart(6, '0')}`;
  }
  const verb = pick(rng, JAVA_VERBS);
  const noun = pick(rng, JAVA_NOUNS);
  const method = rng.chance(0.1) ? `lambda$${verb}${noun}$${rng.int(40)}` : `${verb}${noun}`;
  return `L${cls};::${method}`;
}

export const javaName: NameGen = (d, rng) => {
  let name: string;
  if (d < 0.18) {
    name = rng.chance(0.06)
      ? `Ljava/lang/invoke/LambdaForm$MH/0x0000000800${rng.int(0xffffff).toString(16).padStart(6, '0')};::invoke`
      : javaGroup(rng, JAVA_FRAMEWORK);
  } else if (d < 0.6) {
    name = javaApp(rng);
  } else if (d < 0.82) {
    name = javaGroup(rng, JAVA_LIBS);
  } else {
    name = javaGroup(rng, JAVA_JDK);
  }
  // perf-map-agent's unfoldall prints JIT-inlined callees as `outer->inlined`.
  if (rng.chance(0.02)) {
    name += '->' + (d < 0.82 ? javaApp(rng) : javaGroup(rng, JAVA_JDK));
  }
  return name;
};

// ---------------------------------------------------------------- HotSpot internals (libjvm.so, demangled C++)
// prettier-ignore
const GC_CLASSES = [
  'G1ParScanThreadState', 'G1ParEvacuateFollowersClosure', 'G1RootProcessor', 'G1RemSet', 'G1ScanHRForRegionClosure',
  'G1CardSet', 'G1CollectedHeap', 'G1EvacuateRegionsTask', 'G1EvacuateRegionsBaseTask', 'G1ScanCardClosure',
  'G1CLDScanClosure', 'G1CodeBlobClosure', 'G1MergeHeapRootsTask', 'G1ScanEvacuatedObjClosure', 'TaskTerminator',
  'G1PLABAllocator', 'HeapRegion', 'G1BlockOffsetTablePart', 'ClassLoaderData', 'Threads', 'JavaThread', 'CodeCache',
  'nmethod', 'OopMapSet', 'StringTable', 'G1ConcurrentMark', 'G1CMTask', 'G1CMBitMap', 'G1ConcurrentRefineThread',
  'G1DirtyCardQueueSet', 'G1Policy', 'G1YoungCollector', 'G1ParCopyClosure<(G1Barrier)0, false>',
  'G1ParCopyClosure<(G1Barrier)2, true>', 'OopStorage::BasicParState', 'WeakProcessor',
];
// prettier-ignore
const GC_METHODS = [
  'do_void()', 'trim_queue_partially()', 'trim_queue_to_threshold(unsigned int)',
  'steal_and_trim_queue(GenericTaskQueueSet<OverflowTaskQueue<ScannerTask, (MEMFLAGS)5, 131072u>, (MEMFLAGS)5>*)',
  'do_copy_to_survivor_space(G1HeapRegionAttr, oopDesc*, markWord)', 'do_oop_evac<narrowOop>(narrowOop*)',
  'do_oop_work<narrowOop>(narrowOop*)', 'work(unsigned int)', 'evacuate_roots(G1ParScanThreadState*, unsigned int)',
  'process_java_roots(G1RootClosures*, G1GCPhaseTimes*, unsigned int)',
  'scan_heap_roots(G1ParScanThreadState*, unsigned int, G1GCPhaseTimes::GCParPhases, G1GCPhaseTimes::GCParPhases, bool)',
  'do_heap_region(HeapRegion*)', 'scan_memregion(unsigned int, MemRegion)', 'oops_do(OopClosure*, CodeBlobClosure*)',
  'offer_termination(TerminatorTerminator*)',
  'allocate_direct_or_new_plab(G1HeapRegionAttr, unsigned long, bool*, unsigned int)',
  'block_start_reaching_into_card(void const*) const', 'do_oop(narrowOop*)', 'do_code_blob(CodeBlob*)',
  'oops_do_process(OopClosure*, CodeBlobClosure*, NMethodClosure*)',
  'refine_card_concurrently(CardTable::CardValue*, unsigned int)', 'mark_in_bitmap(unsigned int, oopDesc*)',
  'drain_local_queue(bool)', 'do_marking_step(double, bool, bool)', 'merge_heap_roots(bool)',
  'evacuate_live_objects(G1ParScanThreadState*, unsigned int, G1GCPhaseTimes::GCParPhases, G1GCPhaseTimes::GCParPhases)',
  'iterate(OopClosure*)', 'unlink_or_oops_do(BoolObjectClosure*, OopClosure*)',
  'process_grey_task_entry<true>(G1TaskQueueEntry)',
];
const C2_CLASSES = [
  'Compile',
  'PhaseIdealLoop',
  'PhaseIterGVN',
  'PhaseGVN',
  'PhaseChaitin',
  'PhaseCFG',
  'PhaseLive',
  'PhaseIFG',
  'PhaseAggressiveCoalesce',
  'PhaseCoalesce',
  'Matcher',
  'PhaseOutput',
  'ConnectionGraph',
  'PhaseMacroExpand',
  'IdealLoopTree',
  'Node',
  'AddNode',
  'CmpNode',
  'IfNode',
  'PhiNode',
  'LoadNode',
  'StoreNode',
  'MemNode',
  'CallNode',
  'RegionNode',
  'Type',
  'TypePtr',
  'TypeInt',
  'GraphKit',
  'Parse',
  'ParseGenerator',
  'CallGenerator',
  'InlineTree',
  'ciMethod',
  'ciBytecodeStream',
  'ciEnv',
  'MachNode',
  'Block',
  'IndexSet',
  'LRG',
  'PhaseRegAlloc',
  'SuperWord',
  'LinearScan',
  'GraphBuilder',
  'LIR_Assembler',
  'Compilation',
];
const C2_METHODS = [
  'Optimize()',
  'Code_Gen()',
  'Register_Allocate()',
  'build_ifg_physical(ResourceArea*)',
  'compute_live()',
  'global_code_motion()',
  'schedule_late(VectorSet&, Node_Stack&)',
  'match()',
  'xform(Node*, int)',
  'optimize()',
  'transform_old(Node*)',
  'Ideal(PhaseGVN*, bool)',
  'Value(PhaseGVN*) const',
  'Identity(PhaseGVN*)',
  'hash() const',
  'cmp(Node const&) const',
  'build_and_optimize()',
  'split_if_with_blocks(VectorSet&, Node_Stack&)',
  'do_split_if(Node*)',
  'compute_escape()',
  'do_analysis(Compile*, PhaseIterGVN*)',
  'expand_macro_nodes()',
  'do_all_blocks()',
  'do_one_block()',
  'do_one_bytecode()',
  'do_call()',
  'generate(JVMState*)',
  'try_to_inline(ciMethod*, ciMethod*, int, ciCallProfile&, bool&)',
  'ok_to_inline(ciMethod*, JVMState*, ciCallProfile&, bool&)',
  'find_int_type(Node*)',
  'meet_helper(Type const*, bool) const',
  'hashcons()',
  'emit(CodeBuffer&, PhaseRegAlloc*) const',
  'fill_buffer(CodeBuffer*, unsigned int*)',
  'insert(unsigned int)',
  'remove_useless_nodes(Unique_Node_List&)',
  'identify_useful_nodes(Unique_Node_List&)',
  'get_ctrl(Node*) const',
  'dom_lca_for_get_late_ctrl_internal(Node*, Node*, Node*)',
  'allocate_registers()',
  'iterate_over_blocks()',
];

const cppOf = (rng: Rng, classes: string[], methods: string[]) => `${pick(rng, classes)}::${pick(rng, methods)}`;
export const gcName: NameGen = (_d, rng) => cppOf(rng, GC_CLASSES, GC_METHODS);
export const c2Name: NameGen = (_d, rng) => cppOf(rng, C2_CLASSES, C2_METHODS);

// ---------------------------------------------------------------- Envoy (demangled C++, namespaces and templates)
// prettier-ignore
const ENVOY_BANDS: Array<{ ns: string[]; classes: string[]; methods: string[] }> = [
  {
    ns: ['Envoy::Event', 'Envoy::Network'],
    classes: [
      'DispatcherImpl', 'FileEventImpl', 'SchedulableCallbackImpl', 'TimerImpl', 'ConnectionImpl',
      'ServerConnectionImpl', 'IoSocketHandleImpl', 'FilterManagerImpl', 'TcpListenerImpl', 'ActiveTcpListener',
    ],
    methods: [
      'run(Envoy::Event::Dispatcher::RunType)', 'onFileEvent(unsigned int)', 'onReadReady()', 'onWriteReady()',
      'runPostCallbacks()', 'onRead(unsigned long)',
      'onContinueReading(Envoy::Network::ActiveReadFilter*, Envoy::Network::ReadBufferSource&)',
      'readv(unsigned long, Envoy::Buffer::RawSlice*, unsigned long)', 'write(Envoy::Buffer::Instance&, bool)',
      'onSocketEvent(short)', 'raiseEvent(Envoy::Network::ConnectionEvent)',
    ],
  },
  {
    ns: ['Envoy::Http', 'Envoy::Http::Http1', 'Envoy::Http::Http2'],
    classes: [
      'ConnectionManagerImpl', 'ConnectionManagerImpl::ActiveStream', 'ConnectionImpl', 'ServerConnectionImpl',
      'ClientConnectionImpl', 'FilterManager', 'DownstreamFilterManager', 'ActiveStreamDecoderFilter',
      'ActiveStreamEncoderFilter', 'HeaderMapImpl', 'RequestHeaderMapImpl', 'ResponseEncoderImpl', 'StreamEncoderImpl',
      'CodecClient', 'BalsaParser', 'LegacyHttpParserImpl',
    ],
    methods: [
      'onData(Envoy::Buffer::Instance&, bool)', 'dispatch(Envoy::Buffer::Instance&)',
      'dispatchSlice(char const*, unsigned long)', 'onHeadersComplete()', 'onMessageComplete()',
      'decodeHeaders(std::unique_ptr<Envoy::Http::RequestHeaderMap, std::default_delete<Envoy::Http::RequestHeaderMap> >&&, bool)',
      'decodeData(Envoy::Buffer::Instance&, bool)', 'encodeHeaders(Envoy::Http::ResponseHeaderMap&, bool)',
      'encodeData(Envoy::Buffer::Instance&, bool)', 'addCopy(Envoy::Http::LowerCaseString const&, absl::string_view)',
      'get(Envoy::Http::LowerCaseString const&) const',
      'iterate(std::function<Envoy::Http::HeaderMap::Iterate (Envoy::Http::HeaderEntry const&)>) const',
      'onHeaderValue(char const*, unsigned long)', 'execute(char const*, int)', 'maybeEndDecode(bool)',
    ],
  },
  {
    ns: [
      'Envoy::Router', 'Envoy::Extensions::HttpFilters::Lua', 'Envoy::Extensions::HttpFilters::RBACFilter',
      'Envoy::Extensions::Filters::Common::Ratelimit', 'Envoy::Extensions::HttpFilters::JwtAuthn',
    ],
    classes: [
      'Filter', 'UpstreamRequest', 'RouteEntryImplBase', 'ConfigImpl', 'RouteMatcher', 'VirtualHostImpl',
      'RoleBasedAccessControlFilter', 'RoleBasedAccessControlEngineImpl', 'AuthenticatorImpl', 'FilterConfig',
      'GrpcClientImpl',
    ],
    methods: [
      'decodeHeaders(Envoy::Http::RequestHeaderMap&, bool)',
      'onUpstreamHeaders(unsigned long, std::unique_ptr<Envoy::Http::ResponseHeaderMap, std::default_delete<Envoy::Http::ResponseHeaderMap> >&&, Envoy::Router::UpstreamRequest&, bool)',
      'route(Envoy::Http::RequestHeaderMap const&, Envoy::StreamInfo::StreamInfo const&, unsigned long) const',
      'matches(Envoy::Http::RequestHeaderMap const&, Envoy::StreamInfo::StreamInfo const&, unsigned long) const',
      'handleAction(Envoy::Network::Connection const&, Envoy::Http::RequestHeaderMap const&, Envoy::StreamInfo::StreamInfo const&, std::string*) const',
      'onPoolReady(std::unique_ptr<Envoy::Router::GenericUpstream, std::default_delete<Envoy::Router::GenericUpstream> >&&, std::shared_ptr<Envoy::Upstream::HostDescription const>, Envoy::Network::ConnectionInfoProvider const&, Envoy::StreamInfo::StreamInfo&, std::optional<Envoy::Http::Protocol>)',
      'verify(Envoy::Http::RequestHeaderMap&, std::vector<std::unique_ptr<Envoy::Extensions::HttpFilters::JwtAuthn::JwtLocation const>> const&)',
      'acceptUpstreamRequest()',
      'chargeUpstreamCode(unsigned long, Envoy::Http::ResponseHeaderMap const&, std::shared_ptr<Envoy::Upstream::HostDescription const>, bool)',
    ],
  },
  {
    ns: ['Envoy::Upstream', 'Envoy::Extensions::TransportSockets::Tls', 'Envoy::Stats', 'Envoy::Buffer'],
    classes: [
      'ClusterManagerImpl::ThreadLocalClusterManagerImpl::ClusterEntry', 'RoundRobinLoadBalancer',
      'EdfLoadBalancerBase', 'LoadBalancerBase', 'SslSocket', 'ContextImpl', 'ThreadLocalStoreImpl::ScopeImpl',
      'ThreadLocalStoreImpl', 'CounterImpl<Envoy::Stats::CounterStatData>', 'OwnedImpl', 'WatermarkBuffer', 'Slice',
      'HistogramImpl',
    ],
    methods: [
      'chooseHost(Envoy::Upstream::LoadBalancerContext*)', 'peekOrChoose(Envoy::Upstream::LoadBalancerContext*, bool)',
      'httpConnPool(Envoy::Upstream::ResourcePriority, std::optional<Envoy::Http::Protocol>, Envoy::Upstream::LoadBalancerContext*)',
      'doRead(Envoy::Buffer::Instance&)', 'doWrite(Envoy::Buffer::Instance&, bool)',
      'counterFromStatNameWithTags(Envoy::Stats::StatName const&, std::optional<std::vector<std::pair<Envoy::Stats::StatName, Envoy::Stats::StatName>, std::allocator<std::pair<Envoy::Stats::StatName, Envoy::Stats::StatName> > > const> const&)',
      'move(Envoy::Buffer::Instance&, unsigned long)', 'add(void const*, unsigned long)', 'drain(unsigned long)',
      'prepend(absl::string_view)',
      'commit(unsigned long, absl::Span<Envoy::Buffer::RawSlice>, Envoy::Buffer::ReservationSlicesOwner&)', 'inc()',
      'recordValue(unsigned long)',
    ],
  },
];
// prettier-ignore
const ENVOY_LEAVES = [
  'absl::container_internal::raw_hash_set<absl::container_internal::FlatHashMapPolicy<std::string, Envoy::Stats::Counter*>, absl::container_internal::StringHash, absl::container_internal::StringEq, std::allocator<std::pair<std::string const, Envoy::Stats::Counter*> > >::find<std::string>(std::string const&, unsigned long)',
  'absl::hash_internal::MixingHashState::CombineContiguousImpl(unsigned long, unsigned char const*, unsigned long, std::integral_constant<int, 8>)',
  'google::protobuf::internal::WireFormatLite::ReadBytes(google::protobuf::io::CodedInputStream*, std::string*)',
  'google::protobuf::Message::SpaceUsedLong() const', 'absl::Mutex::Lock()', 'absl::Mutex::Unlock()',
  'absl::Cord::Append(absl::Cord const&)',
  're2::RE2::Match(absl::string_view, unsigned long, unsigned long, re2::RE2::Anchor, absl::string_view*, int) const',
  're2::DFA::InlinedSearchLoop(re2::DFA::SearchParams*)', 'aes_hw_ctr32_encrypt_blocks', 'gcm_ghash_avx',
  'bssl::ssl_run_handshake(bssl::SSL_HANDSHAKE*, bool*)', 'SSL_read', 'SSL_write',
  'bssl::tls_seal_record(ssl_st*, unsigned char*, unsigned long*, unsigned long, unsigned char, unsigned char const*, unsigned long)',
  'tcmalloc::tcmalloc_internal::CentralFreeList::RemoveRange(void**, int)',
  'tcmalloc::tcmalloc_internal::ThreadCache::FetchFromCentralCache(unsigned long, unsigned long)',
  'operator new(unsigned long)',
  'std::_Function_handler<void (), Envoy::Event::DispatcherImpl::DispatcherImpl(std::string const&, Envoy::Thread::ThreadFactory&, Envoy::TimeSource&, Envoy::Random::RandomGenerator&, Envoy::Filesystem::Instance&, Envoy::Event::TimeSystem&, Envoy::Event::SchedulerFactory&, std::shared_ptr<Envoy::Buffer::WatermarkFactory> const&)::$_2>::_M_invoke(std::_Any_data const&)',
];

export const envoyName: NameGen = (d, rng) => {
  if (d > 0.85 || rng.chance(0.04)) {
    return pick(rng, ENVOY_LEAVES);
  }
  const band = ENVOY_BANDS[Math.min(ENVOY_BANDS.length - 1, Math.floor(d * ENVOY_BANDS.length * 1.15))];
  const base = `${pick(rng, band.ns)}::${pick(rng, band.classes)}::${pick(rng, band.methods)}`;
  const r = rng.next();
  if (r < 0.07) {
    return `${base}::{lambda()#${rng.range(1, 3)}}::operator()() const`;
  }
  if (r < 0.1) {
    return `std::_Function_handler<void (), ${base.replace(/\(.*$/, '')}::$_${rng.int(9)}>::_M_invoke(std::_Any_data const&)`;
  }
  return base;
};

// ---------------------------------------------------------------- MySQL (SQL layer C++, InnoDB C-style)
// prettier-ignore
const MYSQL_SQL_CLASSES = [
  'THD', 'Sql_cmd_dml', 'Sql_cmd_select', 'Sql_cmd_update', 'Sql_cmd_insert_values', 'Query_block', 'Query_expression',
  'JOIN', 'Item_func_eq', 'Item_cond_and', 'Item_field', 'Item_func_concat', 'Item_func_like', 'Field_long',
  'Field_varstring', 'Field_datetimef', 'Protocol_classic', 'Query_result_send', 'Table_ref', 'Opt_trace_context',
  'Filesort', 'SortBufferIterator<false>', 'HashJoinIterator', 'NestedLoopIterator', 'TableScanIterator',
  'IndexRangeScanIterator', 'RefIterator<false>', 'FilterIterator', 'AggregateIterator', 'MDL_context', 'MDL_lock',
  'Table_cache', 'Cost_model_server', 'Optimize_table_order', 'Arg_comparator', 'handler', 'ha_innobase',
];
// prettier-ignore
const MYSQL_SQL_METHODS = [
  'execute(THD*)', 'prepare(THD*)', 'optimize(THD*, bool)', 'Read()', 'Init()', 'val_int()', 'val_str(String*)',
  'val_real()', 'store(long long, bool)', 'send_data(THD*, mem_root_deque<Item*> const&)',
  'acquire_lock(MDL_request*, unsigned long)', 'fix_fields(THD*, Item**)', 'compare_int_signed()', 'compare_string()',
  'ha_rnd_next(unsigned char*)', 'ha_index_next(unsigned char*)',
  'ha_index_read_map(unsigned char*, unsigned char const*, unsigned long, ha_rkey_function)',
  'index_read(unsigned char*, unsigned char const*, unsigned int, ha_rkey_function)', 'rnd_next(unsigned char*)',
  'write_row(unsigned char*)', 'update_row(unsigned char const*, unsigned char*)', 'general_read_row(unsigned char*)',
  'ExecuteIteratorQuery(THD*)', 'make_join_plan()', 'choose_table_order()', 'greedy_search(unsigned long long)',
  'best_access_path(JOIN_TAB*, unsigned long long, unsigned int, bool, double, POSITION*, POSITION*)',
  'write_ok(unsigned int, unsigned int, unsigned long long, unsigned long long, char const*)',
  'send_result_set_row(mem_root_deque<Item*> const&)',
];
// prettier-ignore
const INNODB_PREFIXES = [
  'row_', 'btr_', 'buf_', 'page_', 'lock_', 'trx_', 'mtr_', 'fil_', 'fsp_', 'dict_', 'ibuf_', 'log_', 'rec_', 'mach_',
  'ut_', 'os_',
];
// prettier-ignore
const INNODB_VERBS = [
  'search', 'get', 'read', 'write', 'insert', 'update', 'delete', 'sel', 'cur', 'lookup', 'make', 'create', 'check',
  'copy', 'convert', 'move', 'store', 'commit',
];
// prettier-ignore
const INNODB_NOUNS = [
  'mvcc', 'rec', 'page', 'block', 'index', 'entry', 'field', 'offsets', 'clust', 'sec', 'undo', 'redo', 'tuple', 'low',
  'func', 'next', 'prev', 'gen', 'young', 'hash',
];
// prettier-ignore
const INNODB_ARGS = [
  '(unsigned char*, page_cur_mode_t, row_prebuilt_t*, unsigned long, unsigned long)',
  '(dict_index_t*, unsigned long, dtuple_t const*, page_cur_mode_t, unsigned long, btr_cur_t*, unsigned long, char const*, unsigned long, mtr_t*)',
  '(page_id_t const&, page_size_t const&, unsigned long, buf_block_t*, Page_fetch, ut::Location, mtr_t*, bool)',
  '(rec_t const*, dict_index_t const*, unsigned long*, unsigned long, ut::Location, mem_block_info_t**)',
  '(buf_page_t*)', '(mtr_t*)', '(trx_t*)',
  '(row_prebuilt_t*, unsigned char*, unsigned char const*, rec_t const*, dict_index_t const*, unsigned long const*)',
  '(dtuple_t const*, rec_t const*, dict_index_t const*, unsigned long const*, unsigned long*)', '()',
];
// prettier-ignore
const MYSQL_UTIL = [
  'my_strnncollsp_utf8mb4(CHARSET_INFO const*, unsigned char const*, unsigned long, unsigned char const*, unsigned long)',
  'my_hash_sort_utf8mb4(CHARSET_INFO const*, unsigned char const*, unsigned long, unsigned long*, unsigned long*)',
  'ut_crc32_hw(unsigned char const*, unsigned long)',
  'mem_heap_create_block_func(mem_block_info_t*, unsigned long, unsigned long)',
  'my_malloc(unsigned int, unsigned long, int)', 'lex_one_token(Lexer_yystype*, THD*)',
  'MYSQLparse(THD*, Parse_tree_root**)', 'String::append(char const*, unsigned long)',
  'my_b_write(IO_CACHE*, unsigned char const*, unsigned long)', 'MEM_ROOT::AllocSlow(unsigned long)',
  'Lex_input_stream::reset(char const*, unsigned long)', 'my_timer_cycles', 'PolyLock_mutex::wrlock()',
];

export const mysqlName: NameGen = (d, rng) => {
  if (d < 0.4) {
    return cppOf(rng, MYSQL_SQL_CLASSES, MYSQL_SQL_METHODS);
  }
  if (d < 0.85) {
    return `${pick(rng, INNODB_PREFIXES)}${pick(rng, INNODB_VERBS)}_${pick(rng, INNODB_NOUNS)}${rng.chance(0.3) ? '_low' : ''}${pick(rng, INNODB_ARGS)}`;
  }
  return pick(rng, MYSQL_UTIL);
};

// ---------------------------------------------------------------- Node.js (V8 perf map: `JS:*fn file:line:col`)
// prettier-ignore
const NODE_FILES = [
  'node:internal/stream_base_commons', 'node:internal/streams/readable', 'node:events',
  'node:internal/process/task_queues', 'node:internal/timers', 'node:_http_server', 'node:_http_common', 'node:buffer',
  'node:internal/async_hooks', '/srv/api/src/routes/orders.js', '/srv/api/src/routes/catalog.js',
  '/srv/api/src/services/pricing.js', '/srv/api/src/db/pool.js', '/srv/api/src/middleware/auth.js',
  '/srv/api/node_modules/express/lib/router/index.js', '/srv/api/node_modules/express/lib/router/layer.js',
  '/srv/api/node_modules/body-parser/lib/types/json.js', '/srv/api/node_modules/pg/lib/client.js',
  '/srv/api/node_modules/pg-protocol/dist/parser.js', '/srv/api/node_modules/ioredis/built/Redis.js',
  '/srv/api/node_modules/pino/lib/proto.js', '/srv/api/node_modules/fast-json-stringify/index.js',
  '/srv/api/node_modules/lodash/lodash.js', '/srv/api/node_modules/jsonwebtoken/verify.js',
];
// prettier-ignore
const NODE_FUNCS = [
  'onStreamRead', 'readableAddChunk', 'emit', 'processTicksAndRejections', 'listOnTimeout', 'parserOnIncoming',
  'parserOnHeadersComplete', 'handle', 'next', 'trim_prefix', 'process_params', 'jsonParser', 'parse', 'read',
  'handleRequest', 'getOrder', 'listProducts', 'computePrice', 'applyDiscount', 'query', 'handleDataRow',
  'parseDataRowMessage', 'sendCommand', 'asJson', 'write', 'stringify', 'verify', 'authenticate', 'map', 'reduce',
  'baseClone', 'runInAsyncScope', 'afterWrite',
];
// prettier-ignore
const NODE_BUILTINS = [
  'Builtins_InterpreterEntryTrampoline', 'Builtins_ArrayMap', 'Builtins_ArrayForEach', 'Builtins_ArrayPrototypeJoin',
  'Builtins_PromiseConstructor', 'Builtins_AsyncFunctionAwaitResolveClosure', 'Builtins_PromiseFulfillReactionJob',
  'Builtins_RunMicrotasks', 'Builtins_CallFunction_ReceiverIsAny', 'Builtins_CallFunction_ReceiverIsNullOrUndefined',
  'Builtins_JSBuiltinsConstructStub', 'Builtins_ReflectApply', 'Builtins_StringPrototypeReplace',
  'Builtins_RegExpPrototypeExec', 'Builtins_KeyedLoadIC_Megamorphic',
];
export const NODE_BIN = '/usr/bin/node';

/** [name, isBuiltin]: V8 builtins live in the node binary, JIT code in the perf map. */
export function nodeName(d: number, rng: Rng): [string, boolean] {
  if (rng.chance(0.15)) {
    return [pick(rng, NODE_BUILTINS), true];
  }
  const file = pick(rng, NODE_FILES);
  const tier = pick(rng, ['*', '*', '~', '^']);
  return [`JS:${tier}${pick(rng, NODE_FUNCS)} ${file}:${rng.range(1, 900)}:${rng.range(1, 60)}`, false];
}

// ---------------------------------------------------------------- CPython 3.12 perf trampolines (`py::qualname:file`)
// prettier-ignore
const PY_FILES = [
  '/srv/worker/main.py', '/srv/worker/tasks/ingest.py', '/srv/worker/tasks/report.py', '/srv/worker/models.py',
  '/usr/lib/python3.12/json/decoder.py', '/usr/lib/python3.12/json/encoder.py', '/usr/lib/python3.12/threading.py',
  '/usr/lib/python3.12/concurrent/futures/thread.py', '/usr/lib/python3.12/logging/__init__.py',
  '/usr/lib/python3.12/re/__init__.py', '/usr/local/lib/python3.12/dist-packages/pandas/core/frame.py',
  '/usr/local/lib/python3.12/dist-packages/pandas/core/groupby/groupby.py',
  '/usr/local/lib/python3.12/dist-packages/numpy/core/fromnumeric.py',
  '/usr/local/lib/python3.12/dist-packages/sqlalchemy/orm/session.py',
  '/usr/local/lib/python3.12/dist-packages/sqlalchemy/engine/base.py',
  '/usr/local/lib/python3.12/dist-packages/requests/sessions.py',
];
// prettier-ignore
const PY_FUNCS = [
  'run', '_bootstrap_inner', '_worker', 'process_batch', 'ingest_file', 'parse_record', 'normalize', 'validate_row',
  'build_report', 'aggregate', 'decode', 'raw_decode', 'encode', 'iterencode', 'handle', 'emit', 'format', 'sub',
  'apply', 'agg', '_cython_agg_general', 'sum', '_wrapreduction', 'execute', '_execute_context', 'flush', 'commit',
  'request', 'send', 'get_value',
];
export const pythonName: NameGen = (_d, rng) => {
  const fn = pick(rng, PY_FUNCS);
  const qual = rng.chance(0.4)
    ? `${cap(pick(rng, ['Ingestor', 'Report', 'Session', 'Encoder', 'Decoder', 'Worker', 'Frame', 'GroupBy']))}.${fn}`
    : fn;
  return `py::${qual}:${pick(rng, PY_FILES)}`;
};

// ---------------------------------------------------------------- Go (`pkg.(*T).Method`, `pkg.func1`)
// prettier-ignore
const GO_TYPES = [
  'Server', 'Client', 'Manager', 'Controller', 'Store', 'Cache', 'Handler', 'Reflector', 'Watcher', 'Decoder',
  'Encoder', 'Transport', 'http2Client', 'serverHandlerTransport', 'Reader', 'Writer', 'podWorkers', 'Kubelet',
  'Service', 'Container',
];
// prettier-ignore
const GO_METHODS = [
  'Run', 'Serve', 'Handle', 'Get', 'List', 'Update', 'Sync', 'processItem', 'handleStream', 'processUnaryRPC', 'Decode',
  'Encode', 'Read', 'Write', 'ServeHTTP', 'Do', 'roundTrip', 'syncPod', 'relist', 'GetStats', 'reconcile',
  'watchHandler',
];

export function goNameGen(pkgs: string[]): NameGen {
  return (_d, rng) => {
    const pkg = pick(rng, pkgs);
    const r = rng.next();
    if (r < 0.6) {
      return `${pkg}.(*${pick(rng, GO_TYPES)}).${pick(rng, GO_METHODS)}`;
    }
    if (r < 0.85) {
      return `${pkg}.${pick(rng, GO_METHODS).replace(/^./, (c) => c.toLowerCase())}`;
    }
    return `${pkg}.(*${pick(rng, GO_TYPES)}).${pick(rng, GO_METHODS)}.func${rng.range(1, 4)}`;
  };
}

// ---------------------------------------------------------------- small native daemons
export function cNameGen(prefixes: string[], nouns: string[], verbs: string[]): NameGen {
  return (_d, rng) => `${pick(rng, prefixes)}${pick(rng, nouns)}_${pick(rng, verbs)}`;
}
