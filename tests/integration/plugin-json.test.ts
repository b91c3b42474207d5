/**
 * The app's plugin.json as Grafana's plugin validator and loader read it: the nested data source and panel are
 * included with the `path` of their plugin.json (the validator's `includesnested` rule, checked on the archive —
 * here on src/ and on the built dist/, or on the build's copy rules when there is no dist/; package.test.ts checks
 * the zip), and the app is `autoEnabled`, so a plain install (zip, no provisioning) enables it and its nested plugins.
 */
import { existsSync, readdirSync } from 'node:fs';
import { posix, relative, sep } from 'node:path';
import { nestingProblems, readJson, readText, repoPath } from './helpers';

/** Every plugin.json below `root` but the root's own, by its path relative to root ("datasource/plugin.json"). */
function nestedPlugins(root: string): Record<string, any> {
  const found: Record<string, any> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== 'plugin.json') {
      continue;
    }
    const path = relative(root, `${entry.parentPath}${sep}${entry.name}`).split(sep).join(posix.sep);
    if (path !== 'plugin.json') {
      found[path] = readJson(relative(repoPath(), root), ...path.split('/'));
    }
  }
  return found;
}

const app = readJson('src', 'plugin.json');
const srcNested = nestedPlugins(repoPath('src'));

describe("the app's plugin.json", () => {
  it('includes the nested data source and panel by the path of their plugin.json', () => {
    expect(Object.keys(srcNested).sort()).toEqual(['datasource/plugin.json', 'panel/plugin.json']);
    expect(nestingProblems(app, srcNested)).toEqual([]);
    const includes = app.includes.filter((i: any) => i.type === 'datasource' || i.type === 'panel');
    expect(includes.map((i: any) => [i.type, i.path])).toEqual([
      ['datasource', 'datasource/plugin.json'],
      ['panel', 'panel/plugin.json'],
    ]);
  });

  it('is enabled on install (autoEnabled), with its nested plugins', () => {
    expect(app.type).toBe('app');
    expect(app.autoEnabled).toBe(true);
  });

  it('keeps its pages as they were (a page include has a URL path, not a plugin.json)', () => {
    const pages = app.includes.filter((i: any) => i.type === 'page');
    expect(pages).toEqual([expect.objectContaining({ path: '/a/%PLUGIN_ID%/profiles', addToNav: true })]);
  });

  it('has each nested plugin built as one: a module next to its plugin.json (the build makes <dir>/module.js)', () => {
    for (const path of Object.keys(srcNested)) {
      const dir = posix.dirname(path);
      expect([dir, ['module.ts', 'module.tsx'].some((m) => existsSync(repoPath('src', dir, m)))]).toEqual([dir, true]);
    }
  });

  if (existsSync(repoPath('dist', 'plugin.json'))) {
    it('passes the nesting rules on the built dist/ (the layout the archive has)', () => {
      const distNested = nestedPlugins(repoPath('dist'));
      expect(Object.keys(distNested).sort()).toEqual(Object.keys(srcNested).sort());
      expect(nestingProblems(app, distNested)).toEqual([]);
      for (const path of Object.keys(distNested)) {
        expect(existsSync(repoPath('dist', posix.dirname(path), 'module.js'))).toBe(true);
      }
    });
  } else {
    it('passes the nesting rules on dist/ as the build lays it out (each .json under src/ copied to its path)', () => {
      // dist/ is not built here: the scaffold's copy rule is what puts src/<dir>/plugin.json at dist/<dir>/plugin.json.
      expect(readText('.config', 'bundler', 'constants.ts')).toMatch(/SOURCE_DIR = 'src'/);
      expect(readText('.config', 'webpack', 'webpack.config.ts')).toMatch(
        /context: path\.join\(process\.cwd\(\), SOURCE_DIR\)/
      );
      expect(readText('.config', 'bundler', 'copyFiles.ts')).toContain("{ from: '**/*.json', to: '.' }");
    });
  }
});

describe('the nesting rules themselves', () => {
  const without = (change: (include: any) => void) => {
    const copy = JSON.parse(JSON.stringify(app));
    copy.includes.forEach(change);
    return nestingProblems(copy, srcNested);
  };

  it('refuse includes without a path (as the app had them: the validator calls the nested plugins undeclared)', () => {
    expect(without((i) => i.type !== 'page' && delete i.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^datasource\/plugin\.json: not declared/),
        expect.stringMatching(/^panel\/plugin\.json: not declared/),
        expect.stringMatching(/\(datasource\): no path/),
        expect.stringMatching(/\(panel\): no path/),
      ])
    );
  });

  it('refuse a path that is not there, a type or a name that does not match, an include without a type', () => {
    expect(without((i) => i.type === 'panel' && (i.path = './panel/plugin.json'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/no plugin\.json at \.\/panel\/plugin\.json/)])
    );
    expect(without((i) => i.type === 'panel' && (i.path = 'datasource/plugin.json'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/panel "FlameScope" but datasource\/plugin\.json is datasource/)])
    );
    expect(without((i) => i.type === 'datasource' && (i.name = 'Other'))).toEqual([
      expect.stringMatching(/datasource "Other" but datasource\/plugin\.json is datasource "FlameScope"/),
    ]);
    expect(without((i) => i.type === 'panel' && delete i.type)).toEqual(['panel/plugin.json: its include has no type']);
  });
});
