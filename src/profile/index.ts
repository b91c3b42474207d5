/**
 * The profile engine: parse (perf script, streaming; V8 .cpuprofile; folded stacks — detected from the bytes), index (time-sorted columnar store), and compute (heat maps,
 * range flame graphs, FlameGraph-compatible folding). Pure TypeScript over Uint8Array: no Node or DOM APIs, so the
 * sidecar, the CLI and the browser share it.
 */
export * from './bytes';
export * from './store';
export * from './parser';
export * from './filter';
export * from './heatmap';
export * from './fold';
export * from './flamegraph';
export { FrameKind, FRAME_KIND_NAMES } from './frames';
export type { FrameKindName } from './frames';
export { PerfScriptParser } from './perf-script/parser';
export { CpuProfileParser } from './cpuprofile/importer';
export { FoldedParser } from './folded/importer';
export { detectFormat, DETECT_WINDOWS } from './detect';
export { ImportError } from './import-error';
export type { PerfScriptOptions } from './perf-script/parser';
export * from './serialize';
export * from './wall-heatmap';
export * from './sliced';
