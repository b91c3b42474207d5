/** Grafana's icons as SVG text, keyed `<folder>/<name>` (a virtual module made by build.mjs). */
declare module 'flamescope-host-icons' {
  const icons: Record<string, string>;
  export default icons;
}
