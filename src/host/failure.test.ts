import { describeFailure, retryDelayMs } from './failure';

/** A sidecar error as getBackendSrv().fetch rejects with it. */
function fetchError(status: number, error: string, message: string) {
  return { status, data: { error, message } };
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
    expect(describeFailure({ status: 502, data: {} }).kind).toBe('unreachable');
  });

  it('says a busy sidecar is busy', () => {
    const f = describeFailure(
      fetchError(503, 'busy', 'the sidecar is busy (4 queries are running and 64 waiting): retry shortly')
    );
    expect(f).toMatchObject({ kind: 'busy', title: 'The sidecar is busy' });
  });
});

describe('retryDelayMs', () => {
  it('asks again at once after a 504, after 2 s after a 503, and never otherwise', () => {
    expect(retryDelayMs({ status: 504 })).toBe(0);
    expect(retryDelayMs({ status: 503 })).toBe(2000);
    for (const status of [400, 404, 413, 422, 500, 502]) {
      expect(retryDelayMs({ status })).toBeUndefined();
    }
    expect(retryDelayMs(new Error('x'))).toBeUndefined();
  });
});
