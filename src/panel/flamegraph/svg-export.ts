/**
 * The flame graph as a standalone SVG file, FlameGraph-style (flamegraph.pl's layout: a title, one <g> per frame with
 * a <title> tooltip, a <rect> and a <text> label cut to the frame as flamegraph.pl cuts it, and an embedded <style>),
 * generated from the layout — the zoom, orientation and search highlight on screen — not from the page's DOM. Plus the
 * download helper and the file's name.
 */
import { GrafanaTheme2 } from '@grafana/data';
import { FRAME_TEXT_COLOR, HIGHLIGHT_COLOR } from './colors';
import { frameDetails, Totals } from './labels';
import { FlameLayout, forEachDrawn, isAncestorOrSelf, zoomDepth } from './layout';

/** The flame-graph area's test id (the canvas inside it carries data-frames-drawn). */
export const FLAMEGRAPH_TEST_ID = 'flamescope-flamegraph';

/** Label font size (px) and the average glyph width used to shorten labels to their frame, as flamegraph.pl does. */
const FONT_SIZE = 12;
const CHAR_WIDTH = 0.59 * FONT_SIZE;
const LABEL_PAD = 3;
const FRAME_HEIGHT = 16;
const X_PAD = 10;
const TOP_PAD = FONT_SIZE * 3 + 8;
const BOTTOM_PAD = FONT_SIZE + 10;

export interface SvgOptions {
  layout: FlameLayout;
  /** The zoomed-into frame (0: the whole graph). */
  focus: number;
  inverted: boolean;
  /** Width of the frames' area, px (the graph's width on screen). */
  width: number;
  fill: (i: number) => string;
  /** Search matches, highlighted as on screen. */
  mask?: Uint8Array | null;
  totals: Totals;
  /** The file's <title> and heading, e.g. the profile and the range. */
  title: string;
  /** A second line under the heading (samples, search, baseline…). */
  subtitle?: string;
  theme: GrafanaTheme2;
}

/** A self-contained SVG document of the flame graph. */
export function flameGraphSvg(o: SvgOptions): string {
  const { layout, focus, inverted, fill, mask, totals, theme } = o;
  const graphWidth = Math.max(1, Math.round(o.width));
  const rows = zoomDepth(layout, focus);
  const width = graphWidth + 2 * X_PAD;
  const height = TOP_PAD + rows * FRAME_HEIGHT + BOTTOM_PAD;
  const out: string[] = [];
  out.push(
    `<?xml version="1.0" standalone="no"?>`,
    `<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(o.title)}</title>`,
    `<style type="text/css">`,
    `.background { fill: ${theme.colors.background.primary}; }`,
    `text { font-family: Verdana, ${cssSafe(theme.typography.fontFamily)}; font-size: ${FONT_SIZE}px; fill: ${FRAME_TEXT_COLOR}; }`,
    `text.title { font-size: 17px; fill: ${theme.colors.text.primary}; }`,
    `text.subtitle { font-size: ${FONT_SIZE}px; fill: ${theme.colors.text.secondary}; }`,
    `g.frame rect { stroke: ${theme.colors.background.primary}; stroke-width: 0.5; }`,
    `g.frame:hover rect { stroke: ${theme.colors.text.primary}; stroke-width: 1; }`,
    `g.fade { opacity: 0.6; }`,
    `</style>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}"/>`,
    `<text class="title" x="${width / 2}" y="24" text-anchor="middle">${escapeXml(o.title)}</text>`
  );
  if (o.subtitle) {
    out.push(
      `<text class="subtitle" x="${width / 2}" y="${24 + FONT_SIZE + 6}" text-anchor="middle">${escapeXml(o.subtitle)}</text>`
    );
  }
  const rowY = (level: number) =>
    inverted ? TOP_PAD + level * FRAME_HEIGHT : TOP_PAD + (rows - 1 - level) * FRAME_HEIGHT;
  forEachDrawn(layout, focus, graphWidth, 0, rows - 1, (i, x0, x1) => {
    const w = x1 - x0;
    const x = X_PAD + x0;
    const y = rowY(layout.level[i]);
    const node = layout.nodes[i];
    const fade = i !== focus && isAncestorOrSelf(layout, i, focus);
    const color = mask && mask[i] === 1 ? HIGHLIGHT_COLOR : fill(i);
    const label = svgLabel(node.name, w);
    out.push(
      `<g class="frame${fade ? ' fade' : ''}"><title>${escapeXml(frameDetails(node, totals).join('\n'))}</title>` +
        `<rect x="${num(x)}" y="${y}" width="${num(w)}" height="${FRAME_HEIGHT - 1}" fill="${color}" rx="2" ry="2"/>` +
        (label ? `<text x="${num(x + LABEL_PAD)}" y="${y + 11.5}">${escapeXml(label)}</text>` : '') +
        `</g>`
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/** A frame's label as flamegraph.pl cuts it: whole if it fits, else its start and "..", nothing under 3 characters. */
export function svgLabel(name: string, width: number): string | null {
  const fits = Math.floor((width - 2 * LABEL_PAD) / CHAR_WIDTH);
  if (name === '' || fits < 3) {
    return null;
  }
  return name.length <= fits ? name : name.slice(0, fits - 2) + '..';
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Text for XML content and attributes; characters XML forbids are dropped. */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A font-family list safe inside a <style> element (no markup, no rule breaks). */
function cssSafe(family: string): string {
  return family.replace(/[<>{};&]/g, '');
}

/** The profile (or profiles) a heat map's frame was made from (its meta.custom.profiles' ids), as a short name. */
export function profileName(profiles: unknown): string | undefined {
  if (!Array.isArray(profiles)) {
    return undefined;
  }
  const ids = profiles.map((p) => (typeof p?.id === 'string' ? p.id : '')).filter((id) => id !== '');
  if (ids.length === 0) {
    return undefined;
  }
  return ids.length === 1 ? ids[0] : `${ids[0]} and ${ids.length - 1} more`;
}

/** `flamegraph-<profile>-<from>-<to>.svg` (UTC times, safe characters only), or as much of it as is known. */
export function svgFileName(profile?: string, fromMs?: number, toMs?: number): string {
  const parts = ['flamegraph'];
  if (profile) {
    parts.push(
      profile
        .replace(/\.(perf|txt|folded|gz|stacks)\b/gi, '')
        .replace(/[^A-Za-z0-9._+-]+/g, '_')
        .replace(/^[._]+|[._]+$/g, '')
        .slice(0, 80)
    );
  }
  if (fromMs !== undefined && toMs !== undefined && Number.isFinite(fromMs) && Number.isFinite(toMs)) {
    parts.push(compactTime(fromMs), compactTime(toMs));
  }
  return `${parts.filter((p) => p !== '').join('-')}.svg`;
}

/** 20261117T093003.240Z */
function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

/** `2026-11-17 09:30:03.240 – 09:30:03.300 UTC (60 ms)` */
export function rangeText(fromMs: number, toMs: number): string {
  const a = new Date(fromMs).toISOString();
  const b = new Date(toMs).toISOString();
  const sameDay = a.slice(0, 10) === b.slice(0, 10);
  const span = toMs - fromMs;
  const spanText = span >= 1000 ? `${(span / 1000).toFixed(span % 1000 === 0 ? 0 : 3)} s` : `${span} ms`;
  return `${a.slice(0, 10)} ${a.slice(11, 23)} – ${sameDay ? b.slice(11, 23) : `${b.slice(0, 10)} ${b.slice(11, 23)}`} UTC (${spanText})`;
}

/** Saves text as a file through a temporary object URL and <a download>. */
export function downloadText(filename: string, mime: string, text: string | ArrayBuffer) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Some browsers start the download after click() returns: free the URL on the next task, not now.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
