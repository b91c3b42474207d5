/**
 * A failed query or load as something to tell a person: what happened in a sentence, and what they can do about it.
 * It reads what the data source rejects or reports with (a DataQueryError: the sentence, the status and the sidecar's
 * code) as well as backendSrv's FetchError. Nothing here asks again: the data source retries what is worth retrying.
 * Pure.
 */
import { errorMessage, GaveUpError, isParsingError, proxyAnswer, sidecarCode } from '../datasource/errors';

export type FailureKind =
  | 'unreachable'
  | 'outside-range'
  | 'not-found'
  | 'unreadable'
  | 'parsing'
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
  const cause = e instanceof GaveUpError ? e.cause : e;
  const status =
    typeof (cause as { status?: unknown })?.status === 'number' ? (cause as { status: number }).status : undefined;
  const message = errorMessage(e);
  const code = sidecarCode(cause);
  if (code?.startsWith('storage_')) {
    return {
      kind: 'storage',
      title:
        code === 'storage_denied' ? 'The sidecar may not read this profile' : 'The profile storage is not answering',
      message: sentence(message),
      status,
    };
  }
  if (status === 0 || proxyAnswer(cause) === 'down') {
    return {
      kind: 'unreachable',
      title: 'The FlameScope sidecar is not answering',
      message:
        'This page talks to the sidecar that served it. Is `npm start` (flamescope serve) still running? Then reload.',
      status,
    };
  }
  if (isParsingError(cause)) {
    return { kind: 'parsing', title: 'The profile is still being parsed', message: sentence(message), status };
  }
  if (status === 503) {
    return { kind: 'busy', title: 'The sidecar is busy', message: sentence(message), status };
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
