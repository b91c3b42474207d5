import { useCallback, useEffect, useState } from 'react';
import { getDataSourceSrv } from '@grafana/runtime';
import { errorMessage, type FlameScopeDataSource } from '../../datasource/datasource';
import type { ProfileEntry } from '../../datasource/types';
import { PARSING_POLL_MS } from '../../constants';

/** What the page needs of the data source. */
type ProfileLister = Pick<FlameScopeDataSource, 'listProfiles'>;

export interface CatalogState {
  /** The last listing of this data source (kept on screen while a refresh runs). */
  entries?: ProfileEntry[];
  loading: boolean;
  error?: string;
  refresh: () => void;
}

/** The answer to one listing: of which data source, for which request. */
interface Listing {
  uid: string;
  generation: number;
  entries?: ProfileEntry[];
  error?: string;
}

function isProfileLister(value: unknown): value is ProfileLister {
  return typeof (value as Partial<ProfileLister> | undefined)?.listProfiles === 'function';
}

/**
 * The whole catalog of a FlameScope data source (skipped objects included). Listed again on `refresh()`, and every
 * few seconds while a profile is being parsed, so its progress moves.
 */
export function useCatalog(uid: string): CatalogState {
  const [generation, setGeneration] = useState(0);
  const [listing, setListing] = useState<Listing | undefined>(undefined);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let current = true;
    (async () => {
      let answer: Listing;
      try {
        const dataSource: unknown = await getDataSourceSrv().get(uid);
        if (!isProfileLister(dataSource)) {
          throw new Error('this data source is not a FlameScope data source');
        }
        answer = { uid, generation, entries: await dataSource.listProfiles('') };
      } catch (e) {
        answer = { uid, generation, error: errorMessage(e) };
      }
      if (current) {
        setListing(answer);
      }
    })();
    return () => {
      current = false;
    };
  }, [uid, generation]);

  // Another data source's listing is never shown; an older one of this data source is, until the new one arrives.
  const mine = listing?.uid === uid ? listing : undefined;
  const loading = mine?.generation !== generation;
  const parsing = !loading && !!mine?.entries?.some((e) => e.status === 'parsing');
  useEffect(() => {
    if (!parsing) {
      return undefined;
    }
    const timer = setTimeout(refresh, PARSING_POLL_MS);
    return () => clearTimeout(timer);
  }, [parsing, refresh]);

  return { entries: mine?.entries, error: loading ? undefined : mine?.error, loading, refresh };
}
