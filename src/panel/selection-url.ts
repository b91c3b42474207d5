/**
 * A selection in the URL (`?flamescope-<panel id>=<from>~<to>`), so a copied link — or an alert's link — reopens
 * the same slice. Pure: reads and writes plain query-string objects.
 */
export interface UrlSelection {
  fromMs: number;
  toMs: number;
}

export function selectionParam(panelId: number | string): string {
  return `flamescope-${panelId}`;
}

export function parseSelectionParam(value: unknown): UrlSelection | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const m = /^(\d{1,16}(?:\.\d+)?)~(\d{1,16}(?:\.\d+)?)$/.exec(value);
  if (!m) {
    return undefined;
  }
  const fromMs = Number(m[1]);
  const toMs = Number(m[2]);
  return toMs > fromMs ? { fromMs, toMs } : undefined;
}

export function formatSelectionParam(selection: UrlSelection | undefined): string | undefined {
  return selection ? `${Math.round(selection.fromMs)}~${Math.round(selection.toMs)}` : undefined;
}
