/**
 * Durations as people write them in flags: `90s`, `30m`, `1h`, `2h30m`, `1d`, `500ms`; a bare number is seconds;
 * `0`, `off`, `none` and `false` are zero (the feature off).
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^(off|none|false)$/.test(t)) {
    return 0;
  }
  if (/^\d+(\.\d+)?$/.test(t)) {
    return Number(t) * 1000;
  }
  if (t === '') {
    return undefined;
  }
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const m = PART.exec(t);
    if (!m) {
      return undefined;
    }
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return total;
}
