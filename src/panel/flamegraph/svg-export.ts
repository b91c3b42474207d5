/**
 * The rendered flame graph as a standalone SVG file, and a helper to download text. d3-flame-graph draws labels as
 * HTML inside <foreignObject> and styles frames from a page stylesheet; neither survives outside the page (most SVG
 * viewers and editors ignore foreignObject), so the copy gets <text> labels and its own <style>.
 */
import { GrafanaTheme2 } from '@grafana/data';
import { FRAME_TEXT_COLOR } from './colors';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
/** Label font size (px) and the average glyph width used to shorten labels to their frame, as flamegraph.pl does. */
const FONT_SIZE = 12;
const CHAR_WIDTH = 0.59 * FONT_SIZE;
const LABEL_PAD = 3;

/** The chart container's test id (and how to find the chart's <svg> among toolbar icons, which are SVGs too). */
export const FLAMEGRAPH_TEST_ID = 'flamescope-flamegraph';

/** The flame graph's <svg> inside an element (e.g. the panel's flame-graph area), skipping icon SVGs. */
export function findChartSvg(container: ParentNode): SVGSVGElement | null {
  return container.querySelector<SVGSVGElement>(`[data-testid="${FLAMEGRAPH_TEST_ID}"] svg`);
}

/** A serialized, self-contained copy of the chart's <svg>: namespace, size, background, styles, text labels. */
export function standaloneSvg(svg: SVGSVGElement, theme: GrafanaTheme2): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const width = svg.getAttribute('width') ?? String(svg.clientWidth);
  const height = svg.getAttribute('height') ?? String(svg.clientHeight);
  copy.setAttributeNS(XMLNS_NS, 'xmlns', SVG_NS);
  copy.setAttribute('width', width);
  copy.setAttribute('height', height);
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.removeAttribute('style');

  for (const frame of Array.from(copy.querySelectorAll('g'))) {
    replaceHtmlLabel(frame);
  }

  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('class', 'background');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  const style = document.createElementNS(SVG_NS, 'style');
  style.textContent = exportCss(theme);
  copy.insertBefore(background, copy.firstChild);
  copy.insertBefore(style, copy.firstChild);

  return new XMLSerializer().serializeToString(copy);
}

/** Swaps a frame's <foreignObject> label for an SVG <text> cut to the frame's width ("name.." when too long). */
function replaceHtmlLabel(frame: SVGGElement) {
  const foreign = frame.querySelector('foreignObject');
  if (!foreign) {
    return;
  }
  const name = foreign.textContent ?? '';
  const rect = frame.querySelector('rect');
  const width = Number(rect?.getAttribute('width') ?? foreign.getAttribute('width') ?? 0);
  const height = Number(rect?.getAttribute('height') ?? foreign.getAttribute('height') ?? 18);
  foreign.remove();
  const fits = Math.floor((width - 2 * LABEL_PAD) / CHAR_WIDTH);
  if (name === '' || fits < 3) {
    return;
  }
  const text = document.createElementNS(SVG_NS, 'text');
  text.setAttribute('x', String(LABEL_PAD));
  // Baseline so the glyphs sit centred in the cell.
  text.setAttribute('y', String(Math.round((height + FONT_SIZE * 0.75) / 2)));
  text.textContent = name.length <= fits ? name : name.slice(0, fits - 2) + '..';
  frame.appendChild(text);
}

/** The rules the page applies to the chart (d3-flame-graph's stylesheet and the view's overrides), made local. */
function exportCss(theme: GrafanaTheme2): string {
  return [
    `.background { fill: ${theme.colors.background.primary}; }`,
    `g rect { stroke: ${theme.colors.background.primary}; stroke-width: 0.5; }`,
    `.fade { opacity: 0.6; }`,
    `text { font-family: Verdana, ${theme.typography.fontFamily}; font-size: ${FONT_SIZE}px; fill: ${FRAME_TEXT_COLOR}; }`,
    `text.title { font-size: 16px; fill: ${theme.colors.text.primary}; }`,
    `g.frame:hover rect { stroke: ${theme.colors.text.primary}; }`,
  ].join('\n');
}

/** Saves text as a file through a temporary object URL and <a download>. */
export function downloadText(filename: string, mime: string, text: string) {
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
