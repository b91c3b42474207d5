/**
 * @grafana/ui's <Icon> fetches `public/build/img/icons/<folder>/<name>.svg` from Grafana's server. This page has no
 * Grafana behind it, so the icons are bundled (build.mjs: every icon @grafana/ui ships) and those requests are
 * answered from the bundle before they reach the network. The package leaves out a few icons Grafana's server has;
 * those used here are drawn below, and any other is answered with an empty icon (never a 404).
 */
import icons from 'flamescope-host-icons';

const ICON_PATH = /\/public\/build\/img\/icons\/([\w-]+)\/([\w-]+)\.svg$/;
const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">${body}</svg>`;

/** Icons Grafana serves that @grafana/ui's package does not ship. */
const MISSING: Record<string, string> = {
  spinner: svg('<path d="M12 2a10 10 0 1 0 10 10h-2.5A7.5 7.5 0 1 1 12 4.5z"/>'),
  'angle-double-left': svg(
    '<g transform="matrix(-1 0 0 1 24 0)"><path d="M8.46,8.29A1,1,0,1,0,7,9.71L9.34,12,7,14.29a1,1,0,0,0,0,1.42,1,1,0,0,0,1.42,0l3-3a1,1,0,0,0,0-1.42Zm8.5,3-3-3a1,1,0,0,0-1.42,1.42L14.84,12l-2.3,2.29a1,1,0,0,0,0,1.42,1,1,0,0,0,1.42,0l3-3A1,1,0,0,0,17,11.29Z"/></g>'
  ),
};
const EMPTY = svg('');

/** The SVG for an icon URL, or undefined for any other URL. */
export function iconFor(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, window.location.href).pathname;
  } catch {
    return undefined;
  }
  const m = ICON_PATH.exec(path);
  if (!m) {
    return undefined;
  }
  const [, folder, name] = m;
  return icons[`${folder}/${name}`] ?? icons[`unicons/${name}`] ?? MISSING[name] ?? EMPTY;
}

export function installIcons(): void {
  const networkFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const icon = iconFor(url);
    if (icon !== undefined) {
      return Promise.resolve(new Response(icon, { status: 200, headers: { 'Content-Type': 'image/svg+xml' } }));
    }
    return networkFetch(input, init);
  };
}

/**
 * Grafana's global styles declare its web fonts (Inter, Roboto Mono) at Grafana's public URL, which is not here: drop
 * those @font-face rules so nothing asks for them (text uses the theme's system fonts). Run after the global styles
 * are (re)inserted.
 */
export function dropGrafanaFontFaces(): void {
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue;
    }
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i];
      if (rule instanceof CSSFontFaceRule && rule.cssText.includes('public/fonts/')) {
        sheet.deleteRule(i);
      }
    }
  }
}
