/**
 * Packaging: `npm run build` makes dist/ (the app with its nested data source and panel), `npm run package` zips it
 * with the conventional layout, and every plugin.json — in src/, in dist/ and in the zip — follows Grafana's
 * plugin.json schema (its rules in ./helpers: the published schema cannot be fetched here).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import {
  nestingProblems,
  pluginJsonProblems,
  readJson,
  readZip,
  repoPath,
  ROOT,
  satisfiesMinimum,
  sourcePlugins,
  ZipEntry,
} from './helpers';

jest.setTimeout(180_000);

const plugins = sourcePlugins();
const ID = plugins.app.id;
const VERSION = readJson('package.json').version;
let out: string;
let entries: ZipEntry[];
let zipBytes: Buffer;

function runPackage(env: Record<string, string> = {}) {
  return spawnSync('node', [repoPath('scripts', 'package.mjs'), '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

function entry(name: string): ZipEntry {
  const found = entries.find((e) => e.name === `${ID}/${name}`);
  if (!found) {
    throw new Error(`${ID}/${name} is not in the zip`);
  }
  return found;
}

beforeAll(() => {
  if (!existsSync(repoPath('dist', 'plugin.json'))) {
    // CI builds dist/ before the tests; on a fresh checkout build it here (~5 s).
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  out = mkdtempSync(join(tmpdir(), 'flamescope-package-'));
  const r = runPackage();
  if (r.status !== 0) {
    throw new Error(`npm run package failed: ${r.stderr}`);
  }
  zipBytes = readFileSync(join(out, `${ID}-${VERSION}.zip`));
  entries = readZip(zipBytes);
});

afterAll(() => {
  if (out) {
    rmSync(out, { recursive: true, force: true });
  }
});

describe('npm run package', () => {
  it('is the package script of package.json', () => {
    expect(readJson('package.json').scripts.package).toBe('node scripts/package.mjs');
  });

  it('names the archive <id>-<version>.zip, with its SHA-1 beside it', () => {
    const sha1 = readFileSync(join(out, `${ID}-${VERSION}.zip.sha1`), 'utf8');
    expect(sha1).toBe(`${createHash('sha1').update(zipBytes).digest('hex')}  ${ID}-${VERSION}.zip\n`);
  });

  it('has one folder at the root, named after the plugin id, holding everything', () => {
    const roots = new Set(entries.map((e) => e.name.split('/')[0]));
    expect([...roots]).toEqual([ID]);
    expect(entries.every((e) => e.name.startsWith(`${ID}/`))).toBe(true);
    expect(entries.some((e) => e.name.includes('..') || e.name.startsWith('/') || e.name.includes('\\'))).toBe(false);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
  });

  it('holds the app, the nested data source and panel, the docs and the logos', () => {
    for (const name of [
      'plugin.json',
      'module.js',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'img/logo.svg',
      'datasource/plugin.json',
      'datasource/module.js',
      'panel/plugin.json',
      'panel/module.js',
    ]) {
      expect(entry(name).data.length).toBeGreaterThan(0);
    }
    expect(entry('img/').isDirectory).toBe(true);
    expect(entry('LICENSE').data.toString('utf8')).toContain('Apache License');
    expect(entry('CHANGELOG.md').data.toString('utf8')).toMatch(/^# Changelog\n/);
  });

  it('stores the files as dist/ has them, with Unix modes', () => {
    for (const e of entries) {
      if (e.isDirectory) {
        expect(e.mode & 0o777).toBe(0o755);
      } else {
        expect(e.mode & 0o777).toBe(0o644);
        const rel = e.name.slice(ID.length + 1);
        expect(e.data.equals(readFileSync(repoPath('dist', rel)))).toBe(true);
      }
    }
  });

  it('is read by unzip too, when it is installed', () => {
    const unzip = spawnSync('unzip', ['-tq', join(out, `${ID}-${VERSION}.zip`)], { encoding: 'utf8' });
    if (unzip.error) {
      return; // no unzip on this machine: the reader above has checked every entry's CRC
    }
    expect(unzip.status).toBe(0);
  });

  it('makes the same bytes twice with SOURCE_DATE_EPOCH (reproducible)', () => {
    const a = runPackage({ SOURCE_DATE_EPOCH: '1794907800' });
    const first = readFileSync(join(out, `${ID}-${VERSION}.zip`));
    const b = runPackage({ SOURCE_DATE_EPOCH: '1794907800' });
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(readFileSync(join(out, `${ID}-${VERSION}.zip`)).equals(first)).toBe(true);
  });

  it('refuses to package without a build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'flamescope-nodist-'));
    try {
      const r = spawnSync('node', [repoPath('scripts', 'package.mjs'), '--dist', empty, '--out', empty], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/npm run build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('plugin.json (Grafana plugin.json schema rules)', () => {
  const zipped = () =>
    entries
      .filter((e) => e.name.endsWith('/plugin.json'))
      .map((e) => ({ e, json: JSON.parse(e.data.toString('utf8')) }));

  it('point at the published schema', () => {
    for (const plugin of Object.values(plugins)) {
      expect(plugin.$schema).toBe(
        'https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json'
      );
    }
  });

  it('catch what the schema forbids (the rules themselves)', () => {
    const good = JSON.parse(JSON.stringify(plugins.datasource));
    expect(pluginJsonProblems(good)).toEqual([]);
    const bad = (change: (p: any) => void) => {
      const p = JSON.parse(JSON.stringify(good));
      change(p);
      return pluginJsonProblems(p);
    };
    expect(bad((p) => (p.id = 'FlameScope'))).toEqual([expect.stringMatching(/^\$\.id: /)]);
    expect(bad((p) => (p.id = 'flamescope-flamescope-panel'))).toEqual([
      expect.stringMatching(/ends with -datasource/),
    ]);
    expect(bad((p) => delete p.dependencies)).toEqual([expect.stringMatching(/missing required "dependencies"/)]);
    expect(bad((p) => (p.info.keywords = []))).toEqual([expect.stringMatching(/keywords/)]);
    expect(bad((p) => delete p.info.logos.small)).toEqual([expect.stringMatching(/logos\.small/)]);
    expect(bad((p) => (p.info.version = 'one'))).toEqual([expect.stringMatching(/info\.version/)]);
    expect(bad((p) => (p.dependencies.grafanaDependency = 'latest'))).toEqual([
      expect.stringMatching(/grafanaDependency/),
    ]);
    expect(bad((p) => (p.info.links = [{ name: 'x', url: 'not a url' }]))).toEqual([expect.stringMatching(/url/)]);
    expect(bad((p) => (p.extra = true))).toEqual([expect.stringMatching(/additionalProperties/)]);
    expect(bad((p) => (p.routes[0].secret = 'x'))).toEqual([expect.stringMatching(/routes\[0\]\.secret/)]);
  });

  it('are valid in src/ (with the %VERSION% and %TODAY% placeholders)', () => {
    for (const [name, plugin] of Object.entries(plugins)) {
      expect([name, pluginJsonProblems(plugin)]).toEqual([name, []]);
    }
  });

  it('are valid in the zip, with the version and date filled in', () => {
    const found = zipped();
    expect(found.map(({ e }) => e.name).sort()).toEqual(
      [`${ID}/plugin.json`, `${ID}/datasource/plugin.json`, `${ID}/panel/plugin.json`].sort()
    );
    for (const { e, json } of found) {
      expect([e.name, pluginJsonProblems(json)]).toEqual([e.name, []]);
      expect(json.info.version).toBe(VERSION);
      expect(json.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(JSON.stringify(json)).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
    }
  });

  it('name the app, the data source and the panel, nested as the app includes them', () => {
    const byType = Object.fromEntries(zipped().map(({ json }) => [json.type, json]));
    expect(byType.app.id).toBe(plugins.app.id);
    expect(byType.datasource.id).toBe(plugins.datasource.id);
    expect(byType.panel.id).toBe(plugins.panel.id);
    const includes = plugins.app.includes.map((i: any) => i.type);
    expect(includes).toEqual(expect.arrayContaining(['datasource', 'panel']));
    const ranges = Object.values(plugins).map((p) => p.dependencies.grafanaDependency);
    expect(new Set(ranges).size).toBe(1);
    expect(satisfiesMinimum('12.4.0', ranges[0])).toBe(true);
    expect(satisfiesMinimum('12.3.9', ranges[0])).toBe(false);
  });

  it("pass the validator's nesting rules in the zip (includes with the path of each nested plugin.json)", () => {
    const app = zipped().find(({ e }) => e.name === `${ID}/plugin.json`)!.json;
    const nested = Object.fromEntries(
      zipped()
        .filter(({ e }) => e.name !== `${ID}/plugin.json`)
        .map(({ e, json }) => [e.name.slice(ID.length + 1), json])
    );
    expect(Object.keys(nested).sort()).toEqual(['datasource/plugin.json', 'panel/plugin.json']);
    expect(nestingProblems(app, nested)).toEqual([]);
    expect(app.autoEnabled).toBe(true);
  });

  it('have their logos and screenshots in the zip, next to their plugin.json', () => {
    for (const { e, json } of zipped()) {
      const base = dirname(e.name);
      const paths = [
        json.info.logos.small,
        json.info.logos.large,
        ...(json.info.screenshots ?? []).map((s: any) => s.path),
      ];
      for (const path of paths) {
        const name = posix.join(base, path);
        expect([name, entries.some((x) => x.name === name && x.data.length > 0)]).toEqual([name, true]);
      }
      expect(readFileSync(repoPath('src', 'img', 'logo.svg'), 'utf8')).toContain('<svg');
    }
  });

  it('describe the app for the catalog: description, keywords, author, links', () => {
    const { info } = plugins.app;
    expect(info.description.length).toBeGreaterThan(40);
    expect(info.keywords).toEqual(expect.arrayContaining(['flamescope', 'profiling', 'perf', 'flame graph']));
    expect(info.author.name).toBeTruthy();
    expect(info.links.length).toBeGreaterThan(0);
    for (const link of info.links) {
      expect(new URL(link.url).protocol).toBe('https:');
    }
  });
});
