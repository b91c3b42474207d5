import { act, renderHook } from '@testing-library/react';
import { ProfileEntry } from '../types';
import { describeProfile, filterOptions, profileOptions, ProfileLister, useProfileOptions } from './profileOptions';

function entry(id: string, overrides: Partial<ProfileEntry> = {}): ProfileEntry {
  return { id, size: 1, etag: 'e', lastModified: '', status: 'ready', spanKnown: true, ...overrides };
}

describe('describeProfile', () => {
  it('gives host, samples and status', () => {
    expect(describeProfile(entry('a', { host: 'web-01', samples: 1_234_567 }))).toBe(
      'web-01 · 1,234,567 samples · ready'
    );
    expect(describeProfile(entry('a', { samples: 1 }))).toBe('1 sample · ready');
  });

  it('gives parsing progress as a percentage', () => {
    const parsing = entry('a', { status: 'parsing', progress: { bytesRead: 999, totalBytes: 1000 } });
    expect(describeProfile(parsing)).toBe('parsing 99%');
    expect(describeProfile(entry('a', { status: 'parsing' }))).toBe('parsing');
  });

  it('gives why a profile failed', () => {
    expect(describeProfile(entry('a', { status: 'failed', reason: 'no samples' }))).toBe('failed: no samples');
    expect(describeProfile(entry('a', { status: 'not-parsed' }))).toBe('not parsed yet');
  });
});

describe('profileOptions', () => {
  it('offers every profile but skipped objects', () => {
    const options = profileOptions([
      entry('a.perf'),
      entry('notes.txt', { status: 'skipped', reason: 'not a profile' }),
      entry('b.perf', { status: 'failed' }),
    ]);
    expect(options.map((o) => o.value)).toEqual(['a.perf', 'b.perf']);
  });

  it('filters on id or description, ignoring case', () => {
    const options = profileOptions([entry('prod/a.perf', { host: 'web-01' }), entry('dev/b.perf', { host: 'db-02' })]);
    expect(filterOptions(options, 'PROD').map((o) => o.value)).toEqual(['prod/a.perf']);
    expect(filterOptions(options, 'db-').map((o) => o.value)).toEqual(['dev/b.perf']);
    expect(filterOptions(options, ' ')).toHaveLength(2);
  });
});

describe('useProfileOptions', () => {
  it('lists the catalog when the menu opens, and filters that listing as the user types', async () => {
    const listProfiles = jest.fn().mockResolvedValue([entry('prod/a.perf'), entry('dev/b.perf')]);
    const { result } = renderHook(() => useProfileOptions({ listProfiles } as ProfileLister, { from: 10, to: 20 }));

    await act(async () => {
      expect((await result.current('')).map((o) => o.value)).toEqual(['prod/a.perf', 'dev/b.perf']);
      expect((await result.current('dev')).map((o) => o.value)).toEqual(['dev/b.perf']);
    });
    expect(listProfiles).toHaveBeenCalledTimes(1);
    expect(listProfiles).toHaveBeenCalledWith('', { from: 10, to: 20 });

    await act(async () => {
      await result.current(''); // reopened: listed again
    });
    expect(listProfiles).toHaveBeenCalledTimes(2);
  });

  it('lists without a range when the editor has none, and retries after a failure', async () => {
    const listProfiles = jest
      .fn()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValue([entry('a.perf')]);
    const { result } = renderHook(() => useProfileOptions({ listProfiles } as ProfileLister, undefined));

    await act(async () => {
      await expect(result.current('')).rejects.toThrow('down');
      expect((await result.current('a')).map((o) => o.value)).toEqual(['a.perf']);
    });
    expect(listProfiles).toHaveBeenCalledTimes(2);
    expect(listProfiles).toHaveBeenLastCalledWith('');
  });
});
