/**
 * Writes the bundled demo profile, `profiles/checkout-api/2026-11-17T09:30:00Z.perf.gz`: the benchmark's generator
 * at demo size (8 CPUs at 49 Hz for 40 s) — JVM GC bursts every 4.3 s and a flush band 300–420 ms into each second, so
 * the heat map has something to find. The ISO instant in the key places it on the wall clock.
 * Run: npm run demo:profile
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { generateProfile, PROFILE_SPEC } from './generate-profile';

async function main() {
  const dir = join(__dirname, '..', 'profiles', 'checkout-api');
  await fs.mkdir(dir, { recursive: true });
  const gzip = join(dir, '2026-11-17T09:30:00Z.perf.gz');
  const plain = join(dir, '.demo.perf.tmp');
  const manifest = await generateProfile(plain, gzip, {
    ...PROFILE_SPEC,
    cpus: 8,
    hz: 49,
    spanSec: 40,
    minPlainBytes: 0,
    hostname: 'checkout-api-7f9c',
  });
  await fs.rm(plain, { force: true });
  console.log(`${gzip}: ${manifest.samples} samples, ${manifest.gzipBytes} bytes`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
