/**
 * A failed query or load as something to tell a person: what happened in a sentence, and what they can do about it.
 * Pure.
 */
import { errorMessage } from '../datasource/datasource';

export type FailureKind =
  | 'unreachable'
  | 'outside-range'
  | 'not-found'
  | 'unreadable'
  | 'timeout'
  | 'busy'
  | 'storage'
  | 'unauthorized'
  | 'other';

export interface Failure {
  kind: FailureKind;
  title: string;
  message: string;
  status?: number;
}

export function describeFailure(e: unknown): Failure {
  const status = typeof (e as { status?: unknown })?.status === 'number' ? (e as { status: number }).status : undefined;
  const message = errorMessage(e);
  const code = (e as { data?: { error?: unknown } })?.data?.error;
  if (typeof code === 'string' && code.startsWith('storage_')) {
    return {
      kind: 'storage',
      title:
        code === 'storage_denied' ? 'The sidecar may not read this profile' : 'The profile storage is not answering',
      message: sentence(message),
      status,
    };
  }
  if (status === 503) {
    return { kind: 'busy', title: 'The sidecar is busy', message: sentence(message), status };
  }
  if (status === 0 || (status === 502 && !/profile/i.test(message))) {
    return {
      kind: 'unreachable',
      title: 'The FlameScope sidecar is not answering',
      message:
        'This page talks to the sidecar that served it. Is `npm start` (flamescope serve) still running? Then reload.',
      status,
    };
  }
  if (status === 416 || /misses the profile/.test(message)) {
    return { kind: 'outside-range', title: 'Nothing in this time range', message: sentence(message), status };
  }
  if (status === 404) {
    return { kind: 'not-found', title: 'Profile not found', message: sentence(message), status };
  }
  if (status === 401) {
    return {
      kind: 'unauthorized',
      title: 'The sidecar needs a token',
      message: 'It was started with --token: this page only works with a sidecar on loopback without one.',
      status,
    };
  }
  if (status === 504) {
    return { kind: 'timeout', title: 'Still working on it', message: sentence(message), status };
  }
  if (status === 413 || status === 422) {
    return { kind: 'unreadable', title: 'This profile cannot be shown', message: sentence(message), status };
  }
  return { kind: 'other', title: 'Something went wrong', message: sentence(message), status };
}

/**
 * Whether to ask again, and after how long: a 504 means the sidecar is still parsing (ask at once: it already waited),
 * a 503 that it is busy (wait as its Retry-After says, 2 s). Anything else is an answer.
 */
export function retryDelayMs(e: unknown): number | undefined {
  const status = (e as { status?: unknown })?.status;
  return status === 504 ? 0 : status === 503 ? 2000 : undefined;
}

/** The sidecar's messages start lower-case, as parts of a sentence. */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') {
    return t;
  }
  // Capitalise a leading word, not a leading name (`a.txt`, `svc/…`).
  const capitalised = /^[a-z]+(\s|$)/.test(t) ? t[0].toUpperCase() + t.slice(1) : t;
  return capitalised + (/[.!?]$/.test(t) ? '' : '.');
}
