/** Reading loosely typed JSON fields: trace writers disagree on types (Hermes writes `"ts": "11550183666"`). */

/** A number, or a numeric string; NaN otherwise. */
export function num(v: unknown): number {
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    return Number(v);
  }
  return NaN;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj.args.data` when it is an object. */
export function argsData(ev: Record<string, unknown>): Record<string, unknown> | undefined {
  const args = ev.args;
  if (!isObject(args)) {
    return undefined;
  }
  return isObject(args.data) ? args.data : undefined;
}

/** A pid or tid as a map key part ("7512", "-1", "?"): numbers and numeric strings agree. */
export function idKey(v: unknown): string {
  const n = num(v);
  if (Number.isFinite(n)) {
    return String(n);
  }
  return typeof v === 'string' ? v : '?';
}

/** A pid or tid for the store: an int32, or -1 when it has none. */
export function idValue(v: unknown): number {
  const n = num(v);
  return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff ? n : -1;
}
