/**
 * Warnings an importer collects by what went wrong, folded into the store's warnings at the end. The store keeps one
 * warning per code (with the first message), so several kinds of trouble under one code are joined into one line:
 * "ProfileChunk events without args.data (skipped): 3; E events that closed no open slice (ignored): 1".
 */
import { ParseWarning, ProfileStore } from '../store';

interface Tally {
  code: ParseWarning['code'];
  count: number;
  /** Show the count after the phrase (false: a one-off fact, shown as written). */
  counted: boolean;
}

export class WarningTally {
  private readonly tallies = new Map<string, Tally>();

  /** Counts occurrences of `what`, a noun phrase saying what was done ("events without args.data (skipped)"). */
  note(code: ParseWarning['code'], what: string, count = 1) {
    const t = this.tallies.get(what);
    if (t) {
      t.count += count;
    } else {
      this.tallies.set(what, { code, count, counted: true });
    }
  }

  /** Records a one-off fact, shown as written ("the trace ends without its closing bracket"). */
  fact(code: ParseWarning['code'], message: string) {
    if (!this.tallies.has(message)) {
      this.tallies.set(message, { code, count: 1, counted: false });
    }
  }

  /** Adds the tallies to `store.warnings`, one line per code, after the builder's own. */
  applyTo(store: ProfileStore): ProfileStore {
    const byCode = new Map<ParseWarning['code'], { parts: string[]; count: number }>();
    for (const [what, t] of this.tallies) {
      const entry = byCode.get(t.code) ?? { parts: [], count: 0 };
      entry.parts.push(t.counted ? `${what}: ${t.count}` : what);
      entry.count += t.count;
      byCode.set(t.code, entry);
    }
    for (const [code, { parts, count }] of byCode) {
      const message = parts.join('; ');
      const existing = store.warnings.find((w) => w.code === code);
      if (existing) {
        existing.message = `${existing.message}; ${message}`;
        existing.count += count;
      } else {
        store.warnings.push({ code, message, count });
      }
    }
    return store;
  }
}
