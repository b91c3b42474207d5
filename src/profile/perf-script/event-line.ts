/**
 * The first line of a perf-script sample:
 *
 *   comm  pid/tid  [cpu]  sec.frac:  period  event:  payload
 *
 * where every field but comm may be missing (`-F`), comm may hold spaces and digits (`Worker 1`, `C2 CompilerThre`)
 * and may be right-aligned, separators are runs of spaces or TABs (simpleperf), and the payload is a tracepoint's
 * arguments or, without call chains, the single frame. We anchor on the timestamp and read leftwards, so
 * `Worker 1 123/124 [000] 1.5: cycles:` gives comm `Worker 1`; without a timestamp we anchor on the event. A
 * negative timestamp (`-1.5:`, which perf never prints) is still the timestamp, flagged `badTimestamp` so the sample
 * can be dropped, never an event named `-1.5`. Byte-level: it runs once per sample.
 */
import { isBlank, isDigit } from '../bytes';

export interface EventLine {
  commStart: number;
  commEnd: number;
  pid: number;
  tid: number;
  cpu: number;
  /** -1 when there is no timestamp (or a bad one). */
  sec: number;
  nsec: number;
  fracDigits: number;
  /** The timestamp field is there but unusable (negative): sec is -1 and the sample should be dropped. */
  badTimestamp: boolean;
  /** 1 when absent. */
  period: number;
  eventStart: number;
  eventEnd: number;
  /** Start of what follows the event (tracepoint payload or a single-line frame), or -1. */
  payloadStart: number;
  /** perf's `tod` field (`2026-11-17 09:30:00.123456`, local time of the recording host), or -1. */
  todStart: number;
  todEnd: number;
}

/** An EventLine to parse into (one per parser, reused for every line). */
export function emptyEventLine(): EventLine {
  return {
    commStart: 0,
    commEnd: 0,
    pid: -1,
    tid: -1,
    cpu: -1,
    sec: -1,
    nsec: 0,
    fracDigits: 0,
    badTimestamp: false,
    period: 1,
    eventStart: -1,
    eventEnd: -1,
    payloadStart: -1,
    todStart: -1,
    todEnd: -1,
  };
}

const MAX_TOKENS = 64;
// Token boundaries of the current line, reused across calls (no allocation per sample).
const tokStart = new Int32Array(MAX_TOKENS);
const tokEnd = new Int32Array(MAX_TOKENS);

/** Parses an event line in buf[start, end); returns false when it is not one. Fills `out`. */
export function parseEventLine(buf: Uint8Array, start: number, end: number, out: EventLine): boolean {
  // Tokenise (up to the event: the payload may be long).
  let n = 0;
  let p = start;
  let timeToken = -1;
  // A negative timestamp is only the anchor if no good one follows (a comm may look like `-1.5:` too).
  let negativeToken = -1;
  while (p < end && n < MAX_TOKENS) {
    while (p < end && isBlank(buf[p])) {
      p++;
    }
    if (p >= end) {
      break;
    }
    const s = p;
    while (p < end && !isBlank(buf[p])) {
      p++;
    }
    tokStart[n] = s;
    tokEnd[n] = p;
    if (timeToken < 0 && isTimestampToken(buf, s, p)) {
      timeToken = n;
      n++;
      // Only period and event matter after the timestamp: stop after two more tokens.
      let extra = 0;
      while (extra < 2 && p < end && n < MAX_TOKENS) {
        while (p < end && isBlank(buf[p])) {
          p++;
        }
        if (p >= end) {
          break;
        }
        const s2 = p;
        while (p < end && !isBlank(buf[p])) {
          p++;
        }
        tokStart[n] = s2;
        tokEnd[n] = p;
        n++;
        extra++;
      }
      break;
    }
    if (negativeToken < 0 && buf[s] === 45 /* - */ && isTimestampToken(buf, s + 1, p)) {
      negativeToken = n;
    }
    n++;
  }
  out.badTimestamp = false;
  if (timeToken < 0 && negativeToken >= 0) {
    timeToken = negativeToken;
    out.badTimestamp = true;
  }
  if (n < 2 && timeToken < 0) {
    return false;
  }

  let afterPid: number; // index of the first token after pid[/tid] and [cpu]
  let pidToken: number;
  out.sec = -1;
  out.nsec = 0;
  out.fracDigits = 0;
  out.cpu = -1;
  if (timeToken >= 0) {
    if (!out.badTimestamp) {
      parseTimestamp(buf, tokStart[timeToken], tokEnd[timeToken] - 1, out);
    }
    let k = timeToken - 1;
    out.todStart = out.todEnd = -1;
    if (k >= 1 && isClockToken(buf, tokStart[k], tokEnd[k]) && isDateToken(buf, tokStart[k - 1], tokEnd[k - 1])) {
      out.todStart = tokStart[k - 1];
      out.todEnd = tokEnd[k];
      k -= 2;
    }
    if (k >= 0 && isCpuToken(buf, tokStart[k], tokEnd[k])) {
      out.cpu = parseIntRange(buf, tokStart[k] + 1, tokEnd[k] - 1);
      k--;
    }
    if (k < 0 || !isPidToken(buf, tokStart[k], tokEnd[k])) {
      // `-F comm,time` or `-F time,event`: no pid. Comm is what precedes.
      pidToken = -1;
      out.pid = -1;
      out.tid = -1;
      setComm(out, k >= 0 ? tokStart[0] : start, k >= 0 ? tokEnd[k] : start);
    } else {
      pidToken = k;
    }
    afterPid = timeToken + 1;
  } else {
    // No timestamp: the first pid-like token followed by ([cpu] and) an event token.
    pidToken = -1;
    afterPid = -1;
    for (let k = 1; k < n - 1; k++) {
      if (!isPidToken(buf, tokStart[k], tokEnd[k])) {
        continue;
      }
      let e = k + 1;
      if (isCpuToken(buf, tokStart[e], tokEnd[e])) {
        out.cpu = parseIntRange(buf, tokStart[e] + 1, tokEnd[e] - 1);
        e++;
      }
      if (e < n && (buf[tokEnd[e] - 1] === 58 /* : */ || isDigitsToken(buf, tokStart[e], tokEnd[e]))) {
        pidToken = k;
        afterPid = e;
        break;
      }
    }
    if (pidToken < 0) {
      return false;
    }
  }

  if (pidToken >= 0) {
    parsePidTid(buf, tokStart[pidToken], tokEnd[pidToken], out);
    if (pidToken === 0) {
      setComm(out, tokStart[0], tokStart[0]);
    } else {
      setComm(out, tokStart[0], tokEnd[pidToken - 1]);
    }
  }

  // Optional period, then the event (a token ending in ':').
  out.period = 1;
  out.eventStart = out.eventEnd = -1;
  out.payloadStart = -1;
  let k = afterPid;
  if (k < n && isDigitsToken(buf, tokStart[k], tokEnd[k]) && k + 1 < n) {
    out.period = parseIntRange(buf, tokStart[k], tokEnd[k]);
    k++;
  }
  if (k < n && buf[tokEnd[k] - 1] === 58 && tokEnd[k] - tokStart[k] > 1) {
    out.eventStart = tokStart[k];
    out.eventEnd = tokEnd[k] - 1;
    p = tokEnd[k];
    while (p < end && isBlank(buf[p])) {
      p++;
    }
    out.payloadStart = p < end ? p : -1;
  } else if (timeToken < 0) {
    return false;
  }
  return true;
}

function setComm(out: EventLine, s: number, e: number) {
  out.commStart = s;
  out.commEnd = e;
}

/** `123.456789:` — digits, a dot, digits, a colon. */
function isTimestampToken(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s < 4 || buf[e - 1] !== 58) {
    return false;
  }
  let p = s;
  while (p < e - 1 && isDigit(buf[p])) {
    p++;
  }
  if (p === s || buf[p] !== 46 /* . */) {
    return false;
  }
  const fracStart = ++p;
  while (p < e - 1 && isDigit(buf[p])) {
    p++;
  }
  return p === e - 1 && p > fracStart;
}

/** `2026-11-17` */
function isDateToken(buf: Uint8Array, s: number, e: number): boolean {
  return (
    e - s === 10 &&
    buf[s + 4] === 45 &&
    buf[s + 7] === 45 &&
    isDigitsToken(buf, s, s + 4) &&
    isDigitsToken(buf, s + 5, s + 7)
  );
}

/** `09:30:00` or `09:30:00.123456` */
function isClockToken(buf: Uint8Array, s: number, e: number): boolean {
  return (
    e - s >= 8 &&
    buf[s + 2] === 58 &&
    buf[s + 5] === 58 &&
    isDigitsToken(buf, s, s + 2) &&
    isDigitsToken(buf, s + 6, s + 8)
  );
}

function isCpuToken(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s < 3 || buf[s] !== 91 /* [ */ || buf[e - 1] !== 93 /* ] */) {
    return false;
  }
  for (let p = s + 1; p < e - 1; p++) {
    if (!isDigit(buf[p])) {
      return false;
    }
  }
  return true;
}

function isDigitsToken(buf: Uint8Array, s: number, e: number): boolean {
  if (s >= e) {
    return false;
  }
  for (let p = s; p < e; p++) {
    if (!isDigit(buf[p])) {
      return false;
    }
  }
  return true;
}

/** `123` or `123/456` (pid may be -1 in perf's output for unknown). */
function isPidToken(buf: Uint8Array, s: number, e: number): boolean {
  let p = s;
  if (buf[p] === 45 /* - */) {
    p++;
  }
  const d = p;
  while (p < e && isDigit(buf[p])) {
    p++;
  }
  if (p === d) {
    return false;
  }
  if (p === e) {
    return true;
  }
  if (buf[p] !== 47 /* / */) {
    return false;
  }
  p++;
  if (buf[p] === 45) {
    p++;
  }
  const t = p;
  while (p < e && isDigit(buf[p])) {
    p++;
  }
  return p === e && p > t;
}

function parsePidTid(buf: Uint8Array, s: number, e: number, out: EventLine) {
  let slash = -1;
  for (let p = s; p < e; p++) {
    if (buf[p] === 47) {
      slash = p;
      break;
    }
  }
  if (slash < 0) {
    out.pid = -1;
    out.tid = parseSigned(buf, s, e);
  } else {
    out.pid = parseSigned(buf, s, slash);
    out.tid = parseSigned(buf, slash + 1, e);
  }
}

function parseSigned(buf: Uint8Array, s: number, e: number): number {
  return buf[s] === 45 ? -parseIntRange(buf, s + 1, e) : parseIntRange(buf, s, e);
}

function parseIntRange(buf: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let p = s; p < e; p++) {
    v = v * 10 + (buf[p] - 48);
  }
  return v;
}

/** Exact integer seconds and nanoseconds from `sec.frac` in buf[s, e). */
function parseTimestamp(buf: Uint8Array, s: number, e: number, out: EventLine) {
  let p = s;
  let sec = 0;
  while (buf[p] !== 46) {
    sec = sec * 10 + (buf[p] - 48);
    p++;
  }
  p++;
  let frac = 0;
  let digits = 0;
  while (p < e) {
    if (digits < 9) {
      frac = frac * 10 + (buf[p] - 48);
      digits++;
    }
    p++;
  }
  for (let d = digits; d < 9; d++) {
    frac *= 10;
  }
  out.sec = sec;
  out.nsec = frac;
  out.fracDigits = digits;
}
