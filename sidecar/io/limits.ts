/**
 * Input limits shared by the sidecar and the CLI: how much a profile may decompress to, in all and relative to its
 * compressed size. The ratio is checked while streaming (against the compressed bytes consumed so far), so a gzip bomb
 * is refused after a few MiB of output instead of after gigabytes. Real perf-script text compresses 10–50× with
 * gzip -9 (the FlameGraph test inputs: 22–46×); bombs run at ~1000×.
 */
export const MiB = 1024 * 1024;

/** Largest decompressed profile accepted by default, MiB (`--max-profile-mb` / `--max-mb`). */
export const DEFAULT_MAX_PROFILE_MB = 2048;

/** Largest decompressed ÷ compressed ratio accepted by default (`--max-ratio`; 0 turns the check off). */
export const DEFAULT_MAX_RATIO = 100;

/** Output allowed beyond the ratio, so a small file with a highly compressible head is not refused. */
export const RATIO_SLACK_BYTES = 16 * MiB;
