#!/usr/bin/env node
// `npm run package`: zips dist/ (from `npm run build`, signed or not) as a Grafana plugin archive with the
// conventional layout — one top-level folder named after the plugin id:
//
//   flamescope-flamescope-app/plugin.json, module.js, README.md, CHANGELOG.md, LICENSE, img/…,
//   flamescope-flamescope-app/datasource/plugin.json, module.js, img/…   (the nested data source)
//   flamescope-flamescope-app/panel/plugin.json, module.js, img/…        (the nested panel)
//   flamescope-flamescope-app/MANIFEST.txt                                 (only once signed)
//
// Output: artifacts/<id>-<version>.zip (and .zip.sha1, as grafana.com's submission form asks for it); `--out DIR`
// writes elsewhere. Node built-ins only: the archive is written here (deflate via zlib), no `zip` binary needed.
// Entry times come from SOURCE_DATE_EPOCH when set (reproducible archives), else from the files.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { dist: join(root, 'dist'), out: join(root, 'artifacts') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' || arg === '--dist') {
      const value = argv[++i];
      if (!value) {
        fail(`${arg} needs a directory`);
      }
      options[arg.slice(2)] = resolve(value);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: npm run package [-- --out DIR] [--dist DIR]\n');
      process.exit(0);
    } else {
      fail(`unknown option ${arg}`);
    }
  }
  return options;
}

/** Every file under dir, as paths relative to it with forward slashes, sorted (deterministic archives). */
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        out.push(relative(dir, full).split(sep).join('/'));
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** The MS-DOS date and time fields of a ZIP entry, in UTC (the same archive whatever the machine's time zone). */
function dosDateTime(date) {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * A ZIP archive (APPNOTE 6.3: local headers, central directory, end record; no ZIP64 — a plugin is far below 4 GiB).
 * entries: { name, data?: Buffer, mtime: Date, dir?: boolean }. Directories end with '/', are stored, mode 0755;
 * files are deflated when that is smaller, mode 0644.
 */
export function writeZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.dir ? Buffer.alloc(0) : entry.data;
    const deflated = entry.dir ? data : deflateRawSync(data, { level: 9 });
    const useDeflate = !entry.dir && deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const crc = entry.dir ? 0 : crc32(data);
    const { time, date } = dosDateTime(entry.mtime);
    const flags = 0x0800; // names are UTF-8
    const method = useDeflate ? 8 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so readers apply the modes below)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    const mode = entry.dir ? 0o040755 : 0o100644;
    central.writeUInt32LE(((mode << 16) | (entry.dir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const pluginJsonPath = join(options.dist, 'plugin.json');
  if (!existsSync(pluginJsonPath)) {
    fail(`${relative(process.cwd(), pluginJsonPath) || pluginJsonPath} is missing: run \`npm run build\` first`);
  }
  const plugin = JSON.parse(readFileSync(pluginJsonPath, 'utf8'));
  const { id } = plugin;
  const version = plugin.info?.version;
  if (typeof id !== 'string' || !/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/.test(id)) {
    fail(`dist/plugin.json has no valid plugin id (${JSON.stringify(id)})`);
  }
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+/.test(version)) {
    fail(`dist/plugin.json has no built version (${JSON.stringify(version)}): was it built with \`npm run build\`?`);
  }
  const files = listFiles(options.dist);
  for (const required of ['module.js', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (!files.includes(required)) {
      fail(`dist/${required} is missing: run \`npm run build\``);
    }
  }

  const epoch = process.env.SOURCE_DATE_EPOCH;
  const fixedTime = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined;
  const dirs = new Set([`${id}/`]);
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) {
      dirs.add(`${id}/${parts.slice(0, i).join('/')}/`);
    }
  }
  const entries = [
    ...[...dirs].sort().map((name) => ({ name, dir: true, mtime: fixedTime ?? statSync(options.dist).mtime })),
    ...files.map((file) => {
      const full = join(options.dist, file);
      return { name: `${id}/${file}`, data: readFileSync(full), mtime: fixedTime ?? statSync(full).mtime };
    }),
  ];
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const zip = writeZip(entries);
  mkdirSync(options.out, { recursive: true });
  const zipPath = join(options.out, `${id}-${version}.zip`);
  writeFileSync(zipPath, zip);
  const sha1 = createHash('sha1').update(zip).digest('hex');
  writeFileSync(`${zipPath}.sha1`, `${sha1}  ${id}-${version}.zip\n`);

  const signed = files.includes('MANIFEST.txt');
  const shown = relative(process.cwd(), zipPath) || zipPath;
  process.stdout.write(`${shown}: ${files.length} files, ${zip.length} bytes, sha1 ${sha1}\n`);
  if (!signed) {
    process.stdout.write(
      'unsigned (no MANIFEST.txt): Grafana loads it only when allow-listed in allow_loading_unsigned_plugins; ' +
        'sign with `npm run sign` before `npm run package` for a real install (README: Packaging and signing)\n'
    );
  }
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  main();
}
