/**
 * docker-compose.yaml and the sidecar's Dockerfile, checked statically (no Docker engine runs here): the services and
 * their pinned images, the plugin ids Grafana may load unsigned, health checks and start-up order, volumes and ports,
 * and every FLAMESCOPE_* variable against the sidecar's own settings (its configuration loads with them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { loadConfig, SETTINGS } from '../../sidecar/config';
import { readJson, readText, readYaml, repoPath, satisfiesMinimum, sourcePlugins } from './helpers';

const compose = readYaml('docker-compose.yaml');
const services: Record<string, any> = compose.services;
const plugins = sourcePlugins();
const pkg = readJson('package.json');

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR, and $$ for a literal $. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, n1, op, def, n2) => {
      if (m === '$$') {
        return '$';
      }
      const name = n1 ?? n2;
      const set = env[name];
      if (op === ':-') {
        return set === undefined || set === '' ? def : set;
      }
      if (op === '-') {
        return set === undefined ? def : set;
      }
      return set ?? '';
    }
  );
}

function environment(service: string): Record<string, string> {
  const env = services[service].environment ?? {};
  expect(Array.isArray(env)).toBe(false); // the map form, so names are unique
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
}

function rawEnvironment(service: string): Record<string, string> {
  return Object.fromEntries(Object.entries(services[service].environment ?? {}).map(([k, v]) => [k, String(v)]));
}

const envName = (flag: string) => 'FLAMESCOPE_' + flag.toUpperCase().replace(/-/g, '_');
const SIDECAR_ENV = new Set(SETTINGS.map((s) => envName(s.flag)));

describe('docker-compose.yaml', () => {
  it('has Grafana, MinIO, the one-shot bucket seeding and the sidecar', () => {
    expect(Object.keys(services).sort()).toEqual(['flamescope', 'grafana', 'minio', 'minio-init']);
    expect(compose.name).toBe('flamescope');
  });

  it('pins every image to an exact release (no latest, no floating tag, no interpolation)', () => {
    const pinned: Record<string, RegExp> = {
      grafana: /^grafana\/grafana:12\.4\.\d+$/,
      minio: /^(quay\.io\/)?minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/,
      'minio-init': /^(quay\.io\/)?minio\/mc:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/,
      flamescope: new RegExp(`^flamescope-sidecar:${pkg.version.replace(/\./g, '\\.')}$`),
    };
    for (const [name, service] of Object.entries(services)) {
      const image: string = service.image;
      expect(typeof image).toBe('string');
      expect(image).not.toMatch(/\$/);
      expect(image).not.toMatch(/:latest$/);
      expect(image.split('/').pop()).toMatch(/:[^:]+$/); // a tag
      expect(image).toMatch(pinned[name]);
    }
  });

  it('runs a Grafana that satisfies every plugin.json grafanaDependency', () => {
    const version = services.grafana.image.split(':').pop();
    for (const plugin of Object.values(plugins)) {
      expect(satisfiesMinimum(version, plugin.dependencies.grafanaDependency)).toBe(true);
    }
    // The same Grafana release as the @grafana packages the plugin is built against.
    expect(version).toBe(pkg.dependencies['@grafana/data']);
  });

  it('lets Grafana load the unsigned app, data source and panel — all three ids, read from their plugin.json', () => {
    const allowed = environment('grafana')
      .GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',')
      .map((s) => s.trim());
    expect(allowed.sort()).toEqual([plugins.app.id, plugins.datasource.id, plugins.panel.id].sort());
    expect(plugins.app.id).toBe('flamescope-flamescope-app');
  });

  it("allow-lists the same three ids in the scaffold's development compose (.config/docker-compose-base.yaml)", () => {
    const base = readYaml('.config', 'docker-compose-base.yaml');
    const allowed = String(base.services.grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS)
      .split(',')
      .map((s) => s.trim());
    expect(allowed.sort()).toEqual([plugins.app.id, plugins.datasource.id, plugins.panel.id].sort());
    expect(base.services.grafana.volumes).toContain(`../dist:/var/lib/grafana/plugins/${plugins.app.id}`);
  });

  it('mounts the built plugin and the provisioning folder into Grafana', () => {
    const volumes: string[] = services.grafana.volumes;
    expect(volumes).toContain(`./dist:/var/lib/grafana/plugins/${plugins.app.id}:ro`);
    expect(volumes).toContain('./provisioning:/etc/grafana/provisioning:ro');
    const home = environment('grafana').GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(home.startsWith('/etc/grafana/provisioning/')).toBe(true);
    expect(existsSync(repoPath('provisioning', home.slice('/etc/grafana/provisioning/'.length)))).toBe(true);
  });

  it('has health checks, and starts each service once what it needs is ready', () => {
    for (const name of ['grafana', 'minio', 'flamescope']) {
      const check = services[name].healthcheck;
      expect(Array.isArray(check.test)).toBe(true);
      expect(['CMD', 'CMD-SHELL']).toContain(check.test[0]);
      for (const key of ['interval', 'timeout']) {
        expect(check[key]).toMatch(/^\d+s$/);
      }
      expect(check.retries).toBeGreaterThan(0);
    }
    expect(services['minio-init'].depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(services.flamescope.depends_on).toEqual({
      'minio-init': { condition: 'service_completed_successfully' },
    });
    expect(services.grafana.depends_on).toEqual({ flamescope: { condition: 'service_healthy' } });
    expect(services['minio-init'].restart).toBe('no');
  });

  it('checks the sidecar at the health endpoint on the port it listens on', () => {
    const port = environment('flamescope').FLAMESCOPE_PORT;
    const test = services.flamescope.healthcheck.test.join(' ');
    expect(test).toContain(`http://127.0.0.1:${port}/healthz`);
  });

  it('keeps MinIO and Grafana data in named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    expect(declared.length).toBeGreaterThan(0);
    const named: string[] = [];
    for (const service of Object.values(services)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.') && !source.startsWith('/')) {
          named.push(source);
        }
      }
    }
    expect(named.sort()).toEqual(declared.sort());
    expect(services.minio.volumes).toContain('minio-data:/data');
    expect(services.grafana.volumes).toContain('grafana-data:/var/lib/grafana');
  });

  it('publishes Grafana on 3000, MinIO on 9000/9001 and the sidecar on loopback only', () => {
    expect(services.grafana.ports).toEqual(['3000:3000']);
    expect(services.minio.ports).toEqual(['9000:9000', '9001:9001']);
    const port = environment('flamescope').FLAMESCOPE_PORT;
    expect(services.flamescope.ports).toEqual([`127.0.0.1:${port}:${port}`]);
  });

  it('names only real sidecar settings in FLAMESCOPE_* variables', () => {
    const used = Object.values(services).flatMap((s) => Object.keys(s.environment ?? {}));
    const flamescope = used.filter((name) => name.startsWith('FLAMESCOPE_'));
    expect(flamescope.length).toBeGreaterThan(4);
    for (const name of flamescope) {
      expect([name, SIDECAR_ENV.has(name)]).toEqual([name, true]);
    }
  });

  it('gives the sidecar a configuration it accepts: S3 on MinIO, listening off loopback with a token', () => {
    const env = environment('flamescope');
    const config = loadConfig({}, env);
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(8686);
    expect(config.token).toBeTruthy();
    expect(config.storage).toBe('s3://profiles/');
    expect(config.s3Endpoint).toBe(`http://minio:${services.minio.ports[0].split(':')[1]}`);
    // S3 credentials are MinIO's root user, whatever the user overrides them with.
    const raw = rawEnvironment('flamescope');
    const minio = rawEnvironment('minio');
    expect(raw.AWS_ACCESS_KEY_ID).toBe(minio.MINIO_ROOT_USER);
    expect(raw.AWS_SECRET_ACCESS_KEY).toBe(minio.MINIO_ROOT_PASSWORD);
    expect(env.AWS_REGION).toBe('us-east-1');
    // Without a token, off loopback, the sidecar refuses to start: the compose default must never be empty.
    expect(() => loadConfig({}, { ...env, FLAMESCOPE_TOKEN: '' })).toThrow(/token/);
    expect(interpolate(raw.FLAMESCOPE_TOKEN, { FLAMESCOPE_TOKEN: 'mine' })).toBe('mine');
  });

  it('hands Grafana the same token the sidecar expects (the data source reads it from the environment)', () => {
    expect(rawEnvironment('grafana').FLAMESCOPE_TOKEN).toBe(rawEnvironment('flamescope').FLAMESCOPE_TOKEN);
  });

  it('seeds the bucket the sidecar reads with the example profiles, by a script sh accepts', () => {
    const init = services['minio-init'];
    expect(init.volumes).toEqual(['./profiles:/profiles:ro']);
    expect(existsSync(repoPath('profiles', 'checkout-api', '2026-11-17T09:30:00Z.perf.gz'))).toBe(true);
    const script = interpolate(init.command[0]);
    const bucket = loadConfig({}, environment('flamescope'))
      .storage.replace(/^s3:\/\//, '')
      .split('/')[0];
    expect(script).toContain(`mc mb --ignore-existing local/${bucket}`);
    expect(script).toContain(`mc mirror --overwrite /profiles local/${bucket}`);
    expect(script).toContain('mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"');
    expect(init.entrypoint).toEqual(['/bin/sh', '-ec']);
    execFileSync('sh', ['-n', '-c', script]);
    // The copy keyed by the current time lands where the key pattern places it.
    expect(script).toMatch(/date -u \+%Y-%m-%dT%H:%M:%SZ/);
    expect(script).toContain('local/profiles/checkout-api/$now.perf.gz');
  });
});

describe('Dockerfile (the sidecar image)', () => {
  const dockerfile = readText('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('builds from a pinned Node 24 LTS slim image (Node 20 is past its end of life), with npm ci and build:cli', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBe(2);
    for (const from of froms) {
      expect(from).toMatch(/^FROM node:24\.\d+\.\d+-bookworm-slim( AS \w+)?$/);
    }
    // The build and the runtime on the same release: the bundle runs where it was built.
    expect(new Set(froms.map((f) => f.split(' ')[1])).size).toBe(1);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/RUN npm run build:cli\b/);
    expect(pkg.scripts['build:cli']).toContain('sidecar/cli/main.ts');
    expect(pkg.scripts['build:cli']).toContain('sidecar/profiles/parse-worker.ts');
    expect(dockerfile).toContain('COPY --from=build /src/lib/main.cjs /src/lib/parse-worker.cjs ./lib/');
  });

  it('runs `node bin/flamescope.js serve` on 0.0.0.0 at the default port, as a non-root user', () => {
    const port = SETTINGS.find((s) => s.flag === 'port')!.defaultValue;
    expect(instructions).toContain('ENTRYPOINT ["node", "bin/flamescope.js"]');
    expect(instructions).toContain('CMD ["serve"]');
    expect(instructions).toContain(`EXPOSE ${port}`);
    expect(dockerfile).toMatch(/FLAMESCOPE_HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(new RegExp(`FLAMESCOPE_PORT=${port}\\b`));
    expect(instructions).toContain('USER node');
    expect(instructions.find((l) => l.startsWith('HEALTHCHECK '))).toMatch(/CMD .*\/healthz/);
    for (const name of dockerfile.match(/FLAMESCOPE_[A-Z_]+/g) ?? []) {
      expect([name, SIDECAR_ENV.has(name)]).toEqual([name, true]);
    }
  });

  it('sends the build what it needs and nothing heavy (.dockerignore)', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const heavy of ['node_modules', 'dist', 'lib', '.git', 'bench-data']) {
      expect(ignored).toContain(heavy);
    }
    // The sources esbuild bundles, the lockfile, the tsconfig chain and the profiles must reach the build.
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      '.config',
      'sidecar',
      'src',
      'bin',
      'profiles',
    ];
    for (const path of needed) {
      expect(existsSync(repoPath(path))).toBe(true);
      expect(ignored.some((pattern) => pattern === path || path.startsWith(`${pattern}/`))).toBe(false);
    }
    expect(readdirSync(repoPath('profiles')).length).toBeGreaterThan(0);
  });
});
