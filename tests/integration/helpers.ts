/**
 * Shared by the static checks of the Grafana integration: the repository's files, YAML, a small ZIP reader, and the
 * plugin.json rules of Grafana's published schema that this project relies on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..');

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export function readText(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

export function readJson<T = any>(...parts: string[]): T {
  return JSON.parse(readText(...parts));
}

export function readYaml<T = any>(...parts: string[]): T {
  // Strict: duplicate keys and unresolved aliases are errors, as they are for Docker Compose and Grafana.
  return parse(readText(...parts), { uniqueKeys: true, strict: true, prettyErrors: true });
}

/** The three plugin.json files of the app and its nested plugins, from src/. */
export function sourcePlugins() {
  return {
    app: readJson('src', 'plugin.json'),
    datasource: readJson('src', 'datasource', 'plugin.json'),
    panel: readJson('src', 'panel', 'plugin.json'),
  };
}

/** `version` (x.y.z) satisfies `range` of the one form plugin.json uses here, ">=x.y.z" (no semver types installed). */
export function satisfiesMinimum(version: string, range: string): boolean {
  const v = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  const r = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!v || !r) {
    throw new Error(`cannot compare ${JSON.stringify(version)} with ${JSON.stringify(range)}`);
  }
  for (let i = 1; i <= 3; i++) {
    if (Number(v[i]) !== Number(r[i])) {
      return Number(v[i]) > Number(r[i]);
    }
  }
  return true;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix mode from the external attributes (0 when the archive was not made on Unix). */
  mode: number;
  isDirectory: boolean;
}

/** Reads a ZIP archive (no ZIP64, no encryption): every entry, decompressed and CRC-checked. */
export function readZip(zip: Buffer): ZipEntry[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    throw new Error('not a ZIP archive: no end of central directory');
  }
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) {
      throw new Error(`bad central directory entry ${n}`);
    }
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const external = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;

    if (zip.readUInt32LE(localOffset) !== 0x04034b50) {
      throw new Error(`${name}: bad local header`);
    }
    const localName = zip.subarray(localOffset + 30, localOffset + 30 + zip.readUInt16LE(localOffset + 26));
    if (localName.toString('utf8') !== name) {
      throw new Error(`${name}: local and central names differ`);
    }
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) {
      data = Buffer.from(raw);
    } else if (method === 8) {
      data = inflateRawSync(raw);
    } else {
      throw new Error(`${name}: unsupported compression method ${method}`);
    }
    if (data.length !== size) {
      throw new Error(`${name}: size ${data.length}, expected ${size}`);
    }
    if (crc32(data) !== crc) {
      throw new Error(`${name}: CRC mismatch`);
    }
    entries.push({
      name,
      data,
      mode: madeBy === 3 ? external >>> 16 : 0,
      isDirectory: name.endsWith('/'),
    });
  }
  return entries;
}

// --- plugin.json: the rules of Grafana's published schema (docs/sources/developers/plugins/plugin.schema.json in
// grafana/grafana, the "$schema" of every plugin.json here) that apply to this project, written out here because the
// schema cannot be fetched offline. Objects that the schema closes (additionalProperties: false) are checked against
// the properties it lists.

const ID_PATTERN = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/;
const TYPES = ['app', 'datasource', 'panel', 'renderer', 'secretsmanager'];
const TOP_LEVEL = [
  '$schema',
  'id',
  'type',
  'name',
  'info',
  'dependencies',
  'includes',
  'routes',
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'builtIn',
  'category',
  'enterpriseFeatures',
  'executable',
  'hideFromList',
  'logs',
  'metrics',
  'pascalName',
  'preload',
  'queryOptions',
  'skipDataQuery',
  'state',
  'streaming',
  'tracing',
  'extensions',
  'iam',
  'roles',
  'languages',
  'buildMode',
  'aliasIDs',
];
const INFO = ['author', 'build', 'description', 'keywords', 'links', 'logos', 'screenshots', 'updated', 'version'];
const VERSION_PATTERN = /^((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?|%VERSION%)$/;
const UPDATED_PATTERN = /^(\d{4}-\d{2}-\d{2}|%TODAY%)$/;
// The schema's grafanaDependency pattern (a node-semver range such as ">=12.4.0").
const GRAFANA_DEPENDENCY_PATTERN =
  /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/;
const INCLUDE_TYPES = ['dashboard', 'page', 'panel', 'datasource', 'secretsmanager'];
const INCLUDE_KEYS = ['uid', 'type', 'name', 'component', 'role', 'action', 'path', 'addToNav', 'defaultNav', 'icon'];
const ROUTE_KEYS = [
  'path',
  'method',
  'url',
  'reqSignedIn',
  'reqRole',
  'reqAction',
  'headers',
  'body',
  'tokenAuth',
  'jwtTokenAuth',
  'urlParams',
];
const CATEGORIES = ['tsdb', 'logging', 'cloud', 'tracing', 'profiling', 'sql', 'enterprise', 'iot', 'other'];
const BOOLEANS = [
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'builtIn',
  'hideFromList',
  'logs',
  'metrics',
  'preload',
  'skipDataQuery',
  'streaming',
  'tracing',
];

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUri(v: unknown): boolean {
  if (typeof v !== 'string') {
    return false;
  }
  try {
    return Boolean(new URL(v).protocol);
  } catch {
    return false;
  }
}

/** Every rule a plugin.json breaks, as "path: problem" lines (empty when it is valid). */
export function pluginJsonProblems(json: unknown): string[] {
  const problems: string[] = [];
  const problem = (path: string, text: string) => problems.push(`${path}: ${text}`);
  const closed = (obj: Record<string, any>, allowed: string[], path: string) => {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        problem(`${path}.${key}`, 'not a property of the schema (additionalProperties: false)');
      }
    }
  };
  if (!isObject(json)) {
    return ['$: not an object'];
  }
  for (const key of ['type', 'name', 'id', 'info', 'dependencies']) {
    if (!(key in json)) {
      problem('$', `missing required "${key}"`);
    }
  }
  closed(json, TOP_LEVEL, '$');
  if (typeof json.id !== 'string' || !ID_PATTERN.test(json.id)) {
    problem('$.id', `${JSON.stringify(json.id)} does not match ${ID_PATTERN}`);
  }
  if (!TYPES.includes(json.type)) {
    problem('$.type', `${JSON.stringify(json.type)} is not one of ${TYPES.join(', ')}`);
  } else if (typeof json.id === 'string' && ID_PATTERN.test(json.id) && !json.id.endsWith(`-${json.type}`)) {
    problem('$.id', `a ${json.type} plugin's id ends with -${json.type}`);
  }
  if (typeof json.name !== 'string' || json.name.trim() === '') {
    problem('$.name', 'must be a non-empty string');
  }
  for (const key of BOOLEANS) {
    if (key in json && typeof json[key] !== 'boolean') {
      problem(`$.${key}`, 'must be a boolean');
    }
  }
  if ('category' in json && !CATEGORIES.includes(json.category)) {
    problem('$.category', `not one of ${CATEGORIES.join(', ')}`);
  }
  if ('state' in json && !['alpha', 'beta'].includes(json.state)) {
    problem('$.state', 'must be alpha or beta');
  }

  const info = json.info;
  if (!isObject(info)) {
    if (info !== undefined) {
      problem('$.info', 'must be an object');
    }
  } else {
    closed(info, INFO, '$.info');
    for (const key of ['logos', 'version', 'updated', 'keywords']) {
      if (!(key in info)) {
        problem('$.info', `missing required "${key}"`);
      }
    }
    if (!Array.isArray(info.keywords) || info.keywords.length < 1 || info.keywords.some((k) => typeof k !== 'string')) {
      problem('$.info.keywords', 'must be a non-empty array of strings');
    }
    if (typeof info.version !== 'string' || !VERSION_PATTERN.test(info.version)) {
      problem('$.info.version', `${JSON.stringify(info.version)} is not a version`);
    }
    if (typeof info.updated !== 'string' || !UPDATED_PATTERN.test(info.updated)) {
      problem('$.info.updated', `${JSON.stringify(info.updated)} is not YYYY-MM-DD`);
    }
    if ('description' in info && typeof info.description !== 'string') {
      problem('$.info.description', 'must be a string');
    }
    if (!isObject(info.logos)) {
      problem('$.info.logos', 'must be an object');
    } else {
      closed(info.logos, ['small', 'large'], '$.info.logos');
      for (const key of ['small', 'large']) {
        if (typeof info.logos[key] !== 'string') {
          problem(`$.info.logos.${key}`, 'required string');
        }
      }
    }
    if ('author' in info) {
      if (!isObject(info.author)) {
        problem('$.info.author', 'must be an object');
      } else {
        closed(info.author, ['name', 'email', 'url'], '$.info.author');
        if ('url' in info.author && !isUri(info.author.url)) {
          problem('$.info.author.url', 'must be a URI');
        }
      }
    }
    if ('links' in info) {
      if (!Array.isArray(info.links)) {
        problem('$.info.links', 'must be an array');
      } else {
        info.links.forEach((link: unknown, i: number) => {
          if (!isObject(link)) {
            problem(`$.info.links[${i}]`, 'must be an object');
            return;
          }
          closed(link, ['name', 'url'], `$.info.links[${i}]`);
          if (!isUri(link.url)) {
            problem(`$.info.links[${i}].url`, 'must be a URI');
          }
        });
      }
    }
    if ('screenshots' in info) {
      if (!Array.isArray(info.screenshots)) {
        problem('$.info.screenshots', 'must be an array');
      } else {
        info.screenshots.forEach((shot: unknown, i: number) => {
          if (!isObject(shot)) {
            problem(`$.info.screenshots[${i}]`, 'must be an object');
            return;
          }
          closed(shot, ['name', 'path'], `$.info.screenshots[${i}]`);
        });
      }
    }
  }

  const deps = json.dependencies;
  if (!isObject(deps)) {
    if (deps !== undefined) {
      problem('$.dependencies', 'must be an object');
    }
  } else {
    closed(deps, ['grafanaDependency', 'grafanaVersion', 'plugins', 'extensions'], '$.dependencies');
    if (typeof deps.grafanaDependency !== 'string' || !GRAFANA_DEPENDENCY_PATTERN.test(deps.grafanaDependency)) {
      problem('$.dependencies.grafanaDependency', `${JSON.stringify(deps.grafanaDependency)} is not a version range`);
    }
    if ('plugins' in deps) {
      if (!Array.isArray(deps.plugins)) {
        problem('$.dependencies.plugins', 'must be an array');
      } else {
        deps.plugins.forEach((dep: unknown, i: number) => {
          if (!isObject(dep) || ['id', 'name', 'type', 'version'].some((k) => typeof dep[k] !== 'string')) {
            problem(`$.dependencies.plugins[${i}]`, 'needs string id, name, type and version');
          }
        });
      }
    }
  }

  if ('includes' in json) {
    if (!Array.isArray(json.includes)) {
      problem('$.includes', 'must be an array');
    } else {
      json.includes.forEach((include: unknown, i: number) => {
        if (!isObject(include)) {
          problem(`$.includes[${i}]`, 'must be an object');
          return;
        }
        closed(include, INCLUDE_KEYS, `$.includes[${i}]`);
        if (!INCLUDE_TYPES.includes(include.type)) {
          problem(`$.includes[${i}].type`, `${JSON.stringify(include.type)} is not one of ${INCLUDE_TYPES.join(', ')}`);
        }
        if ('role' in include && !['Admin', 'Editor', 'Viewer'].includes(include.role)) {
          problem(`$.includes[${i}].role`, 'must be Admin, Editor or Viewer');
        }
      });
    }
  }
  if ('routes' in json) {
    if (!Array.isArray(json.routes)) {
      problem('$.routes', 'must be an array');
    } else {
      json.routes.forEach((route: unknown, i: number) => {
        if (!isObject(route)) {
          problem(`$.routes[${i}]`, 'must be an object');
          return;
        }
        closed(route, ROUTE_KEYS, `$.routes[${i}]`);
        if ('headers' in route && !Array.isArray(route.headers)) {
          problem(`$.routes[${i}].headers`, 'must be an array');
        }
      });
    }
  }
  return problems;
}

/**
 * The rules of Grafana's plugin validator (`includesnested`, run on the archive) for an app's nested plugins, plus
 * what Grafana's loader needs of them. `nested` maps each plugin.json below the app's root, by its path relative to
 * that root ("datasource/plugin.json"), to its content. Every nested plugin.json must be included with exactly that
 * `path` and its `type`; every data-source or panel include must name one that exists, with the same type and name.
 */
export function nestingProblems(app: any, nested: Record<string, any>): string[] {
  const problems: string[] = [];
  const includes: any[] = Array.isArray(app.includes) ? app.includes : [];
  if (Object.keys(nested).length > 0 && app.type !== 'app') {
    problems.push(`nested plugins are not allowed in a plugin of type ${app.type}`);
  }
  for (const [path, json] of Object.entries(nested)) {
    const include = includes.find((i) => i.path === path);
    if (!include) {
      problems.push(`${path}: not declared in the app's includes (an include with "path": "${path}")`);
    } else if (!include.type) {
      problems.push(`${path}: its include has no type`);
    } else if (include.type !== json.type) {
      problems.push(`${path}: included as ${include.type} but is a ${json.type}`);
    }
  }
  includes.forEach((include, i) => {
    if (include.type !== 'datasource' && include.type !== 'panel') {
      return;
    }
    if (typeof include.path !== 'string' || include.path === '') {
      problems.push(`$.includes[${i}] (${include.type}): no path to its plugin.json`);
      return;
    }
    const json = nested[include.path];
    if (!json) {
      problems.push(`$.includes[${i}].path: no plugin.json at ${include.path}`);
    } else if (json.type !== include.type || json.name !== include.name) {
      problems.push(
        `$.includes[${i}]: ${include.type} "${include.name}" but ${include.path} is ${json.type} "${json.name}"`
      );
    }
  });
  return problems;
}
