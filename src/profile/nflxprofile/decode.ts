/**
 * Decoding an nflxprofile with protobufjs (light build: the schema comes as a JSON descriptor, generated from
 * nflxprofile.proto by scripts/generate-nflxprofile-schema.mjs, so no .proto parser is bundled). The .proto beside
 * this file is Netflix/nflxprofile's, unmodified (Apache-2.0, LICENSE beside it).
 *
 * A file cut short is still read as far as it goes: the library's Reader finds the end of the last whole top-level
 * field, and those bytes are decoded; required fields that never came are reported, not fatal.
 */
import { Reader, Root, Type, util } from 'protobufjs/light';
import { ImportError } from '../import-error';
import { NFLXPROFILE_SCHEMA } from './schema.generated';

export interface NflxFile {
  file_name?: string;
  line?: number;
}

export interface NflxStackFrame {
  function_name?: string;
  libtype?: string;
  file?: NflxFile;
}

export interface NflxNode {
  function_name?: string;
  hit_count?: number;
  children?: number[];
  libtype?: string;
  parent?: number;
  pid?: number;
  tid?: number;
  cpu?: number;
  stack?: NflxStackFrame[];
  file?: NflxFile;
}

export interface NflxProfile {
  start_time?: number;
  end_time?: number;
  samples?: number[];
  time_deltas?: number[];
  nodes?: Record<string, NflxNode>;
  title?: string;
  params?: Record<string, string>;
  samples_cpu?: number[];
  samples_pid?: number[];
  samples_tid?: number[];
}

export interface Decoded {
  profile: NflxProfile;
  /** Bytes after the last whole top-level field (a truncated file); 0 when everything was read. */
  droppedBytes: number;
  /** Required fields the file did not have. */
  missing?: string;
}

/**
 * A field the file set: protobufjs puts proto2 defaults (0, '') on the prototype, so an absent `cpu` reads 0 — which
 * is a real cpu. Only own properties were in the bytes.
 */
export function present<T extends object, K extends keyof T>(message: T, field: K): T[K] | undefined {
  return Object.prototype.hasOwnProperty.call(message, field) ? message[field] : undefined;
}

let profileType: Type | undefined;

function getProfileType(): Type {
  profileType ??= Root.fromJSON(NFLXPROFILE_SCHEMA as unknown as Parameters<typeof Root.fromJSON>[0]).lookupType(
    'nflxprofile.Profile'
  );
  return profileType;
}

export function decodeNflxprofile(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) {
    throw new ImportError('the nflxprofile is empty');
  }
  const type = getProfileType();
  const whole = tryDecode(type, bytes);
  if (whole) {
    return { ...whole, droppedBytes: 0 };
  }
  const end = lastWholeField(bytes);
  const prefix = end > 0 ? tryDecode(type, bytes.subarray(0, end)) : undefined;
  if (!prefix) {
    throw new ImportError('the nflxprofile cannot be decoded: it is not an nflxprofile, or it is damaged');
  }
  return { ...prefix, droppedBytes: bytes.length - end };
}

function tryDecode(type: Type, bytes: Uint8Array): { profile: NflxProfile; missing?: string } | undefined {
  try {
    return { profile: type.decode(bytes) as unknown as NflxProfile };
  } catch (e) {
    // Missing required fields: protobufjs still hands over what it decoded, if the message was the Profile itself.
    if (e instanceof util.ProtocolError && (e.instance as { $type?: Type }).$type === type) {
      return { profile: e.instance as unknown as NflxProfile, missing: e.message };
    }
    return undefined;
  }
}

/** Offset just past the last top-level field that lies wholly within `bytes` (0: not even one). */
function lastWholeField(bytes: Uint8Array): number {
  const reader = Reader.create(bytes);
  let end = 0;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 0) {
        break;
      }
      reader.skipType(tag & 7);
      end = reader.pos;
    }
  } catch {
    // The field running past the end is the one cut short.
  }
  return end;
}
