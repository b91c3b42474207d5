/**
 * What an importer throws when an input cannot be read at all — not valid JSON, the wrong shape, too large for one
 * JavaScript string, a format not supported yet — as one sentence for people. Damage that still leaves something to
 * read is a warning in the store instead, never this.
 */
export class ImportError extends Error {
  constructor(
    message: string,
    /** corrupt: the bytes are not what the format needs; too-large: over a hard limit; unsupported: no importer. */
    readonly code: 'corrupt' | 'too-large' | 'unsupported' = 'corrupt'
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
