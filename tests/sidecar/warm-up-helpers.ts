/** What the warm-up tests read from a running sidecar: its catalog and its /metrics, and waits on them. */
import { CatalogEntry } from '../../sidecar/profiles/catalog';
import { getJson } from './harness';

export async function catalog(sidecar: { url: string }): Promise<Record<string, CatalogEntry>> {
  const { body } = await getJson(`${sidecar.url}/api/v1/profiles`);
  return Object.fromEntries((body.profiles as CatalogEntry[]).map((e) => [e.id, e]));
}

/** A metric's value (0 when absent); `labels` as written in the exposition, e.g. `kind="corrupt"`. */
export async function metric(sidecar: { url: string }, name: string, labels?: string): Promise<number> {
  const text = await (await fetch(`${sidecar.url}/metrics`)).text();
  const prefix = labels === undefined ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(prefix.length)) : 0;
}

/** Polls `check` until it returns a value that is not undefined/false; fails after `ms` naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined | false;
  while (Date.now() < deadline) {
    last = await check();
    if (last !== undefined && last !== false) {
      return last;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Waits until warm-up has listed the store `rounds` more times (so whatever it would do, it has had the chance). */
export async function waitForListings(sidecar: { url: string }, rounds: number): Promise<void> {
  const start = await metric(sidecar, 'flamescope_warm_listings_total', 'result="ok"');
  await waitFor(`${rounds} warm-up listings`, async () => {
    return (await metric(sidecar, 'flamescope_warm_listings_total', 'result="ok"')) >= start + rounds;
  });
}

/** The entry once it is ready (optionally: of a version other than `notEtag`). */
export function waitReady(sidecar: { url: string }, id: string, notEtag?: string): Promise<CatalogEntry> {
  return waitFor(`${id} ready`, async () => {
    const e = (await catalog(sidecar))[id];
    return e?.status === 'ready' && e.etag !== notEtag ? e : undefined;
  });
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Bytes that start like gzip and then are not: a parse fails with "the gzip data is corrupt". */
export function corruptGzip(): Buffer {
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), Buffer.alloc(64, 0xff)]);
}
