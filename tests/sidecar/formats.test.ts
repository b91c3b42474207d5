/**
 * Every format the sidecar reads, over real HTTP on a local folder: a .cpuprofile, a .cpuprofile.gz, a .json
 * profile, a trace and a JSON file that is no profile, and folded stacks. The catalog says each one's format (a
 * `.json` from its first bytes, before any parse) and skips the JSON that is no profile; heat maps and flame graphs of
 * the V8 profiles agree with the files; a folded profile's flame graph and folded download cover it whole, and its heat
 * map is a 422 with one sentence; `format=` reads a profile as another format, validated in one sentence; the `.idx`
 * another replica wrote carries the format.
 */
import { Sidecar } from '../../sidecar/serve';
import { chromeBytes, fixtureBytes } from '../helpers/fixtures';
import { getJson, ProfileFolder, startTestSidecar } from './harness';

const T0 = Date.parse('2026-11-17T09:30:00Z');
const CPUPROFILE = 'node/2026-11-17T09:30:00Z.cpuprofile';
const CPUPROFILE_GZ = 'node/2026-11-17T10:00:00Z.cpuprofile.gz';
const JSON_PROFILE = 'json/2026-11-17T11:00:00Z.json';
const TRACE = 'json/trace.json';
const NOT_A_PROFILE = 'json/package.json';
const FOLDED = 'folded/java.folded';
const CUT = 'node/cut.cpuprofile';
const FOLDED_TEXT = Buffer.from(fixtureBytes('expected/perf-java-stacks-01-collapsed-all.txt')).toString('latin1');
const FOLDED_TOTAL = FOLDED_TEXT.trim()
  .split('\n')
  .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
const SUCRASE = JSON.parse(Buffer.from(chromeBytes('Chrome-65-sucrase.cpuprofile')).toString('utf8'));

const q = (id: string) => `profile=${encodeURIComponent(id)}`;

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Flame-graph frame columns by name. */
function flame(body: any): { value: number[]; label: string[]; kind: string[] } {
  const names: string[] = body.schema.fields.map((f: any) => f.name);
  const column = (name: string) => body.data.values[names.indexOf(name)];
  return { value: column('value'), label: column('label'), kind: column('kind') };
}

describe('the sidecar over a folder of every format', () => {
  const folder = new ProfileFolder();
  let sidecar: Sidecar;

  beforeAll(async () => {
    folder.write(CPUPROFILE, chromeBytes('Chrome-65-sucrase.cpuprofile'));
    folder.write(CPUPROFILE_GZ, chromeBytes('Chrome-65-simple.cpuprofile'), true);
    folder.write(JSON_PROFILE, chromeBytes('Chrome-65-simple.cpuprofile'));
    folder.write(TRACE, chromeBytes('trace-event/simple.json'));
    folder.write(NOT_A_PROFILE, '{"name": "checkout-api", "version": "1.0.0", "dependencies": {}}\n');
    folder.write(FOLDED, FOLDED_TEXT);
    folder.write(CUT, chromeBytes('Chrome-65-simple.cpuprofile').subarray(0, 700));
    sidecar = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await sidecar.close();
    folder.dispose();
  });

  it('lists each format: a .json by its first bytes before any parse, every profile by what it was read as', async () => {
    const before = await getJson(`${sidecar.url}/api/v1/profiles`);
    const entries = Object.fromEntries(before.body.profiles.map((p: any) => [p.id, p]));
    expect(entries[JSON_PROFILE]).toMatchObject({ status: 'not-parsed', format: 'cpuprofile', from: T0 + 90 * 60_000 });
    expect(entries[TRACE]).toMatchObject({ status: 'not-parsed', format: 'chrome-trace' });
    expect(entries[NOT_A_PROFILE]).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^JSON that is not a profile/),
    });
    // Other objects are not read to be listed: their format is known once parsed.
    expect(entries[CPUPROFILE]).toMatchObject({ status: 'not-parsed' });
    expect(entries[CPUPROFILE].format).toBeUndefined();

    for (const id of [CPUPROFILE, CPUPROFILE_GZ, FOLDED]) {
      expect((await getJson(`${sidecar.url}/api/v1/flamegraph?${q(id)}`)).status).toBe(200);
    }
    const after = await getJson(`${sidecar.url}/api/v1/profiles`);
    const ready = Object.fromEntries(after.body.profiles.map((p: any) => [p.id, p]));
    expect(ready[CPUPROFILE]).toMatchObject({
      status: 'ready',
      format: 'cpuprofile',
      samples: 17_138,
      spanKnown: true,
    });
    expect(ready[CPUPROFILE_GZ]).toMatchObject({ status: 'ready', format: 'cpuprofile', samples: 29 });
    // A folded line stands for its count of samples; folded stacks have no span.
    expect(ready[FOLDED]).toMatchObject({ status: 'ready', format: 'folded', samples: FOLDED_TOTAL, spanKnown: false });
  });

  it('heat map of a .cpuprofile: every sample, placed by the key, spanning the profile’s own first to last sample', async () => {
    const { status, body } = await getJson(`${sidecar.url}/api/v1/heatmap?${q(CPUPROFILE)}&rows=10`);
    expect(status).toBe(200);
    expect(sum(body.data.values[3])).toBe(17_138); // no (idle) in it: every sample counts
    const [placed] = body.schema.meta.custom.profiles;
    expect(placed).toMatchObject({ id: CPUPROFILE, format: 'cpuprofile', from: T0 });
    expect(placed.anchor).toMatchObject({ method: 'key-pattern' });
    const firstUs = SUCRASE.startTime + SUCRASE.timeDeltas[0];
    const lastUs = SUCRASE.timeDeltas.reduce((a: number, b: number) => a + b, SUCRASE.startTime);
    expect(placed.to - placed.from).toBeCloseTo((lastUs - firstUs) / 1000, 3); // epoch ms: ~0.2 µs of float error
  });

  it('heat map and flame graph of a .cpuprofile.gz: its 29 samples, the same as its plain twin under .json', async () => {
    const heat = await getJson(`${sidecar.url}/api/v1/heatmap?${q(CPUPROFILE_GZ)}`);
    expect(heat.status).toBe(200);
    expect(sum(heat.body.data.values[3])).toBe(29);
    const gz = flame((await getJson(`${sidecar.url}/api/v1/flamegraph?${q(CPUPROFILE_GZ)}`)).body);
    const plain = flame((await getJson(`${sidecar.url}/api/v1/flamegraph?${q(JSON_PROFILE)}`)).body);
    expect(gz).toEqual(plain);
    expect(gz.value[0]).toBe(29);
    expect(gz.value[gz.label.indexOf('b VM164:6')]).toBe(14);
  });

  it('flame graph of a .cpuprofile: V8’s frames with their kinds (gc, program, runtime, user)', async () => {
    const fg = flame((await getJson(`${sidecar.url}/api/v1/flamegraph?${q(CPUPROFILE)}&maxNodes=200000`)).body);
    expect(fg.value[0]).toBe(17_138);
    expect(fg.label[1]).toBe('main');
    const kind = (label: string) => fg.kind[fg.label.indexOf(label)];
    expect(fg.value[fg.label.indexOf('(garbage collector)')]).toBe(2717);
    expect(kind('(garbage collector)')).toBe('gc');
    expect(kind('(program)')).toBe('program');
    expect(kind('Module._compile module.js:598')).toBe('runtime');
    expect(kind('processRegion augmentTokens.js:26')).toBe('user');
  });

  it('folded stacks: the flame graph and the folded download cover the whole profile, whatever the range', async () => {
    const { status, body } = await getJson(`${sidecar.url}/api/v1/flamegraph?${q(FOLDED)}&idle=include`);
    expect(status).toBe(200);
    expect(flame(body).value[0]).toBe(FOLDED_TOTAL);
    expect(body.schema.meta.notices.map((n: any) => n.text)).toContain(
      `${FOLDED}: folded stacks carry no timestamps, so the whole profile is shown, whatever the time range`
    );
    const ranged = await getJson(
      `${sidecar.url}/api/v1/flamegraph?${q(FOLDED)}&idle=include&from=${T0}&to=${T0 + 1000}`
    );
    expect(flame(ranged.body).value[0]).toBe(FOLDED_TOTAL);
    const download = await fetch(`${sidecar.url}/api/v1/folded?${q(FOLDED)}&idle=include`);
    expect(download.status).toBe(200);
    expect(download.headers.get('x-flamescope-anchor')).toBe(`${FOLDED}=untimed`);
    expect(Buffer.from(await download.arrayBuffer()).toString('latin1')).toBe(FOLDED_TEXT); // lossless round trip
  });

  it('folded stacks: a heat map is a 422 with one sentence; in a stitched query the profile is left out saying so', async () => {
    const r = await getJson(`${sidecar.url}/api/v1/heatmap?${q(FOLDED)}`);
    expect(r.status).toBe(422);
    expect(r.body.error).toBe('no_timestamps');
    expect(r.body.message).toMatch(/^folded stacks carry no timestamps: [^\n]+$/);
    const both = await getJson(`${sidecar.url}/api/v1/heatmap?${q(FOLDED)}&${q(CPUPROFILE_GZ)}`);
    expect(both.status).toBe(200);
    const notices = both.body.schema.meta.notices.map((n: any) => n.text);
    expect(notices.some((t: string) => t.startsWith(`${FOLDED}: left out — folded stacks carry no timestamps`))).toBe(
      true
    );
  });

  it('a truncated .cpuprofile is a 422 with one sentence, and the failure is remembered for its version', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await getJson(`${sidecar.url}/api/v1/flamegraph?${q(CUT)}`);
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ error: 'unreadable_profile' });
      expect(r.body.message).toMatch(/^the \.cpuprofile is not valid JSON: [^\n]+$/);
    }
    const list = await getJson(`${sidecar.url}/api/v1/profiles?prefix=node/`);
    expect(list.body.profiles.find((p: any) => p.id === CUT)).toMatchObject({ status: 'failed' });
  });

  it('format= reads a profile as another format (cached apart); a bad value is a 400 with one sentence', async () => {
    const asPerf = await getJson(`${sidecar.url}/api/v1/flamegraph?${q(FOLDED)}&format=perf-script`);
    expect(asPerf.status).toBe(422); // folded lines are no perf script: nothing to draw
    const detected = await getJson(`${sidecar.url}/api/v1/flamegraph?${q(FOLDED)}&idle=include`);
    expect(flame(detected.body).value[0]).toBe(FOLDED_TOTAL);
    const asked = await getJson(`${sidecar.url}/api/v1/flamegraph?${q(JSON_PROFILE)}&format=cpuprofile`);
    expect(flame(asked.body).value[0]).toBe(29);
    const bad = await getJson(`${sidecar.url}/api/v1/flamegraph?${q(FOLDED)}&format=xml`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      '"format" must be one of perf-script, cpuprofile, chrome-trace, nflxprofile, folded, got "xml"'
    );
  });
});

describe('index files carry the format', () => {
  const folder = new ProfileFolder();
  let writer: Sidecar;
  let reader: Sidecar;
  beforeAll(async () => {
    folder.write(FOLDED, FOLDED_TEXT);
    folder.write(CPUPROFILE_GZ, chromeBytes('Chrome-65-simple.cpuprofile'), true);
    writer = await startTestSidecar({ storage: folder.url, writeIndex: true });
    reader = await startTestSidecar({ storage: folder.url });
  });
  afterAll(async () => {
    await writer.close();
    await reader.close();
    folder.dispose();
  });

  it('a replica loading another’s .idx says the format and answers the same', async () => {
    for (const id of [FOLDED, CPUPROFILE_GZ]) {
      const path = `/api/v1/flamegraph?${q(id)}&idle=include`;
      const fromParse = await getJson(writer.url + path);
      for (let i = 0; i < 50; i++) {
        const list = await getJson(`${writer.url}/api/v1/profiles`);
        if (list.body.profiles.some((p: any) => p.id === `${id}.idx`)) {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const fromIndex = await getJson(reader.url + path);
      expect(fromIndex.body.data).toEqual(fromParse.body.data);
    }
    const list = await getJson(`${reader.url}/api/v1/profiles`);
    const entries = Object.fromEntries(list.body.profiles.map((p: any) => [p.id, p]));
    expect(entries[FOLDED]).toMatchObject({ status: 'ready', format: 'folded' });
    expect(entries[CPUPROFILE_GZ]).toMatchObject({ status: 'ready', format: 'cpuprofile' });
    const metrics = await (await fetch(`${reader.url}/metrics`)).text();
    expect(metrics).toMatch(/flamescope_profile_load_duration_seconds_count\{from="index"\} 2/);
  });
});
