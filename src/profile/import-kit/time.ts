/**
 * Timestamps as the builder takes them: whole seconds plus integer nanoseconds. Formats here count microseconds
 * (trace events) or fractional seconds (nflxprofile); both are split once, rounding to the nanosecond.
 */

export interface SecNsec {
  sec: number;
  nsec: number;
}

/** Microseconds on some clock → (sec, nsec) on the same clock; sec < 0 when the instant is before its zero. */
export function splitMicros(us: number, out: SecNsec = { sec: 0, nsec: 0 }): SecNsec {
  return splitNanos(us * 1000, Math.floor(us / 1e6), out);
}

/** Fractional seconds → (sec, nsec). */
export function splitSeconds(s: number, out: SecNsec = { sec: 0, nsec: 0 }): SecNsec {
  return splitNanos(s * 1e9, Math.floor(s), out);
}

function splitNanos(ns: number, sec: number, out: SecNsec): SecNsec {
  let nsec = Math.round(ns - sec * 1e9);
  // Rounding can carry into the next second (or borrow from it when the double sat just below a whole second).
  if (nsec >= 1e9) {
    sec += 1;
    nsec -= 1e9;
  } else if (nsec < 0) {
    sec -= 1;
    nsec += 1e9;
  }
  out.sec = sec;
  out.nsec = nsec;
  return out;
}
