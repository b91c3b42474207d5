/**
 * `perf script --header` lines (`# key : value`) into ProfileHeader. Unknown keys are kept in `fields`.
 */
import { ProfileHeader } from '../store';

export function parseHeaderLine(line: string, header: ProfileHeader): void {
  const m = /^#\s*([^:=]+?)\s*:\s?(.*)$/.exec(line);
  if (!m) {
    return;
  }
  const key = m[1].toLowerCase();
  const value = m[2].trim();
  if (key === 'event') {
    const name = /(?:^|,\s*)name\s*=\s*([^,]+)/.exec(value);
    if (name && !header.events.includes(name[1].trim())) {
      header.events.push(name[1].trim());
    }
    return;
  }
  if (!(key in header.fields)) {
    header.fields[key] = value;
  }
  switch (key) {
    case 'captured on':
      header.capturedOn = value;
      break;
    case 'hostname':
      header.hostname = value;
      break;
    case 'os release':
      header.osRelease = value;
      break;
    case 'perf version':
      header.perfVersion = value;
      break;
    case 'arch':
      header.arch = value;
      break;
    case 'nrcpus online':
      header.nrcpusOnline = Number.parseInt(value, 10);
      break;
    case 'nrcpus avail':
      header.nrcpusAvailable = Number.parseInt(value, 10);
      break;
    case 'cpudesc':
      header.cpuDescription = value;
      break;
    case 'cmdline':
      header.cmdline = value;
      break;
    case 'total memory':
      header.totalMemory = value;
      break;
    case 'time of first sample':
      header.timeOfFirstSample = value;
      break;
    case 'time of last sample':
      header.timeOfLastSample = value;
      break;
  }
}
