/**
 * A value the panel's options set and the user may change in the panel (a typed search, a dragged split, a flipped
 * orientation): the user's change lasts until the option changes — then the option wins, and stays winning even when
 * it later returns to the value it had when the user made their change (editing an option back and forth in
 * Grafana's panel editor must not bring an old local choice back).
 */
import { useState } from 'react';

export function usePropOverride<T>(prop: T): [T, (value: T) => void] {
  const [local, setLocal] = useState<{ value: T } | undefined>();
  const [seen, setSeen] = useState(prop);
  if (!Object.is(seen, prop)) {
    // React's pattern for state derived from a changed prop: set during render, re-rendered before painting.
    setSeen(prop);
    setLocal(undefined);
  }
  const value = local && Object.is(seen, prop) ? local.value : prop;
  return [value, (next: T) => setLocal({ value: next })];
}
