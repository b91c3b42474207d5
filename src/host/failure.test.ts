/**
 * The viewer's failure display reads what the data source reports (a DataQueryError with the status and the
 * sidecar's code) and backendSrv's FetchError alike, and tells the proxy's bare answers from the sidecar's own.
 */
import { GaveUpError, toQueryError } from '../datasource/errors';
import { describeFailure } from './failure';

/** A sidecar error as backendSrv rejects with it. */
function fetchError(status: number, error: string, message: string) {
  return { status, data: { error, message } };
}

/** The data proxy's empty answer, as backendSrv reshapes it. */
function bare(status: number, statusText: string) {
  return { status, statusText, data: { message: statusText, error: statusText, response: '' } };
}

describe('describeFailure', () => {
  it('tells storage trouble from a sidecar that is down', () => {
    expect(
      describeFailure(fetchError(502, 'storage_denied', 'cannot read svc/a.perf: permission denied'))
    ).toMatchObject({
      kind: 'storage',
      title: 'The sidecar may not read this profile',
      message: 'Cannot read svc/a.perf: permission denied.',
    });
    expect(
      describeFailure(fetchError(502, 'storage_unavailable', 'the profile folder is missing or unreadable')).kind
    ).toBe('storage');
    expect(describeFailure(bare(502, 'Bad Gateway')).kind).toBe('unreachable');
    // As the data source reports it.
    expect(describeFailure(toQueryError(bare(502, 'Bad Gateway'), 'A')).kind).toBe('unreachable');
    expect(describeFailure(toQueryError(fetchError(502, 'storage_denied', 'no'), 'A')).kind).toBe('storage');
  });

  it('says a busy sidecar is busy', () => {
    const f = describeFailure(
      fetchError(503, 'busy', 'the sidecar is busy (4 queries are running and 64 waiting): retry shortly')
    );
    expect(f).toMatchObject({ kind: 'busy', title: 'The sidecar is busy' });
  });

  it('says a profile is still being parsed when the data source gave up waiting, bare 504 or 503 parsing', () => {
    const gaveUp = toQueryError(new GaveUpError(bare(504, 'Gateway Timeout'), 600_000), 'A');
    expect(describeFailure(gaveUp)).toMatchObject({ kind: 'parsing', status: 504 });
    expect(describeFailure(gaveUp).message).toMatch(/^Gave up after 10 min: .*GF_DATAPROXY_TIMEOUT/);
    expect(describeFailure(fetchError(503, 'parsing', 'still parsing a.perf: 42 %')).kind).toBe('parsing');
    // The sidecar's own 504 is its own sentence, not the proxy's.
    expect(describeFailure(fetchError(504, 'timeout', 'the query took longer than 25000 ms to compute'))).toMatchObject(
      { kind: 'timeout', message: 'The query took longer than 25000 ms to compute.' }
    );
  });
});
