/**
 * A selection in the URL (`?flamescope-<panel id>=<from>~<to>`), so a copied link — or an alert's link — reopens
 * the same slice. A panel whose query uses variables (a panel repeated by `$host`) adds what they stand for to the
 * key (`flamescope-4-api-7f9c`), so its copies keep a selection each; the plain key still opens any of them. Pure:
 * reads and writes plain query-string objects.
 */
export interface UrlSelection {
  fromMs: number;
  toMs: number;
}

export function selectionParam(panelId: number | string, tag?: string): string {
  return tag ? `flamescope-${panelId}-${tag}` : `flamescope-${panelId}`;
}

/**
 * The key's tag for a panel whose query text uses variables: what the text reads once interpolated, made URL-tidy
 * (long ones keep a prefix and a hash, so two hosts never share a tag). Undefined when the query has no variables.
 */
export function selectionTag(rawQueryText: string, interpolated: string): string | undefined {
  if (!/\$|\[\[/.test(rawQueryText)) {
    return undefined;
  }
  const tidy = interpolated.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return tidy.length <= 40 ? tidy || 'none' : `${tidy.slice(0, 31)}-${hash(interpolated)}`;
}

/** The selection a URL gives a panel: its own (tagged) key first, then the plain one (an alert's link). */
export function urlSelectionValue(
  search: Record<string, unknown>,
  panelId: number | string,
  tag?: string
): string | undefined {
  const own = search[selectionParam(panelId, tag)];
  const value = own !== undefined ? own : search[selectionParam(panelId)];
  return typeof value === 'string' ? value : undefined;
}

/** FNV-1a, 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
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
