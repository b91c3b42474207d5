/**
 * Every error a client sees: JSON `{error, message}` with the right status and one clear sentence (and, for a few,
 * more fields a client can act on, e.g. the parse progress of a 503 "parsing").
 */
import { ProfileInputError } from '../io/read-profile';
import { ParseFailure } from '../profiles/worker-pool';
import { StorageError } from '../storage/types';
import { HeatmapError, WallGridError } from '../../src/profile';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    /** Sent as Retry-After (seconds) with 503s. */
    readonly retryAfterSeconds?: number,
    /** More fields of the JSON body, after `error` and `message`. */
    readonly details?: Record<string, unknown>
  ) {
    super(message);
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'bad_request', message);
}

/** Any failure as an ApiError; unexpected ones become a 500 without internals. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) {
    return e;
  }
  if (e instanceof StorageError) {
    switch (e.kind) {
      case 'not-found':
        return new ApiError(404, 'not_found', e.message);
      case 'bad-key':
        return new ApiError(400, 'bad_request', e.message);
      case 'timeout':
        return new ApiError(504, 'storage_timeout', e.message);
      case 'denied':
        return new ApiError(502, 'storage_denied', e.message);
      default:
        return new ApiError(502, 'storage_unavailable', e.message);
    }
  }
  if (e instanceof ParseFailure) {
    switch (e.kind) {
      case 'not-found':
        return new ApiError(404, 'not_found', e.message);
      case 'too-large':
        return new ApiError(413, 'too_large', e.message);
      case 'timeout':
        return new ApiError(504, 'storage_timeout', e.message);
      case 'unavailable':
        return new ApiError(502, 'storage_unavailable', e.message);
      case 'denied':
        return new ApiError(502, 'storage_denied', e.message);
      case 'shutdown':
        return new ApiError(503, 'shutting_down', e.message);
      case 'unsupported':
      case 'corrupt':
        return new ApiError(422, 'unreadable_profile', e.message);
      case 'bad-key':
        return new ApiError(400, 'bad_request', e.message);
      default:
        return new ApiError(500, 'internal', `the profile could not be parsed: ${e.message}`);
    }
  }
  if (e instanceof ProfileInputError) {
    return new ApiError(
      e.code === 'too-large' ? 413 : 422,
      e.code === 'too-large' ? 'too_large' : 'unreadable_profile',
      e.message
    );
  }
  if (e instanceof HeatmapError || e instanceof WallGridError) {
    return new ApiError(400, 'bad_request', e.message);
  }
  return new ApiError(500, 'internal', 'internal error: the request failed and was logged');
}
