// Builds the viewer page that `flamescope serve` serves at / (lib/host): the page bundle, the parse worker, the page
// itself and its icon. Grafana's icons are fetched from Grafana's public folder at run time, which a page without
// Grafana does not have: they are bundled as text (a virtual module) and put in the icon cache before the first render.
// Usage: node src/host/build.mjs [--dev]   (--dev: no minification, development React)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outdir = join(root, 'lib', 'host');
const dev = process.argv.includes('--dev');
const require = createRequire(import.meta.url);

/** `import icons from 'flamescope-host-icons'`: { 'unicons/search': '<svg…>', … } from @grafana/ui's icon folders. */
const iconsPlugin = {
  name: 'flamescope-host-icons',
  setup(b) {
    b.onResolve({ filter: /^flamescope-host-icons$/ }, () => ({ path: 'icons', namespace: 'flamescope-host-icons' }));
    b.onLoad({ filter: /.*/, namespace: 'flamescope-host-icons' }, () => {
      const uiRoot = dirname(require.resolve('@grafana/ui/package.json'));
      const iconsDir = join(uiRoot, 'dist', 'public', 'img', 'icons');
      const icons = {};
      for (const dir of readdirSync(iconsDir)) {
        for (const file of readdirSync(join(iconsDir, dir)).filter((f) => f.endsWith('.svg'))) {
          icons[`${dir}/${file.slice(0, -4)}`] = readFileSync(join(iconsDir, dir, file), 'utf8').trim();
        }
      }
      return { contents: `export default ${JSON.stringify(icons)};`, loader: 'js', watchDirs: [iconsDir] };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/host/host.tsx', 'src/host/parse-worker.ts'],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
  minify: !dev,
  sourcemap: true,
  outdir,
  entryNames: '[name]',
  assetNames: '[name]-[hash]',
  define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
  loader: { '.svg': 'text', '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.png': 'file' },
  plugins: [iconsPlugin],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});
copyFileSync(join(root, 'src', 'host', 'index.html'), join(outdir, 'index.html'));
copyFileSync(join(root, 'src', 'img', 'logo.svg'), join(outdir, 'logo.svg'));

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.map')) {
    console.log(`  ${relative(root, file).padEnd(28)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
}
