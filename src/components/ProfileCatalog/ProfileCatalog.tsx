import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import {
  Badge,
  BadgeColor,
  CollapsableSection,
  Column,
  EmptyState,
  InteractiveTable,
  LinkButton,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import type { ProfileEntry } from '../../datasource/types';
import { countText, parsingPercent, sizeText, spanText, splitCatalog, statusText } from '../../utils/catalog';
import { exploreUrl, profileRange } from '../../utils/links';
import { testIds } from '../testIds';

interface Props {
  /** The data source the entries come from (the Explore links query it). */
  dataSourceUid: string;
  entries: ProfileEntry[];
}

/** A table row: the columns' sort keys (InteractiveTable reads a column's value by its id) and the entry itself. */
interface Row {
  id: string;
  host: string;
  from: number | undefined;
  samples: number | undefined;
  events: string;
  status: string;
  size: number;
  entry: ProfileEntry;
  exploreHref?: string;
}

/** When a profile's span is not known yet (not parsed), Explore opens on the hour before its last modification. */
const UNKNOWN_START_WINDOW_MS = 60 * 60 * 1000;

const STATUS_COLORS: Record<ProfileEntry['status'], BadgeColor> = {
  ready: 'green',
  parsing: 'blue',
  'not-parsed': 'darkgrey',
  failed: 'red',
  skipped: 'darkgrey',
};

/** What a cell renderer reads of react-table's cell props. */
type CellArgs = { row: { original: Row } };

const INITIAL_SORT = [{ id: 'from', desc: true }];

function toRow(entry: ProfileEntry, dataSourceUid: string): Row {
  let exploreHref: string | undefined;
  if (entry.status !== 'failed' && entry.to !== undefined) {
    const from = entry.from ?? entry.to - UNKNOWN_START_WINDOW_MS;
    exploreHref = exploreUrl(dataSourceUid, entry.id, profileRange(from, entry.to));
  }
  return {
    id: entry.id,
    host: entry.host ?? '',
    from: entry.from,
    samples: entry.samples,
    events: (entry.events ?? []).join(', '),
    status: statusText(entry),
    size: entry.size,
    entry,
    exploreHref,
  };
}

/** The catalog of one FlameScope data source: its profiles in a table, and the objects that are not profiles. */
export function ProfileCatalog({ dataSourceUid, entries }: Props) {
  const styles = useStyles2(getStyles);
  const { profiles, skipped } = useMemo(() => splitCatalog(entries), [entries]);
  const rows = useMemo(() => profiles.map((entry) => toRow(entry, dataSourceUid)), [profiles, dataSourceUid]);
  const columns = useMemo<Array<Column<Row>>>(
    () => [
      {
        id: 'id',
        header: 'Profile',
        sortType: 'alphanumeric',
        cell: ({ row: { original } }: CellArgs) => <span className={styles.id}>{original.id}</span>,
      },
      { id: 'host', header: 'Host', sortType: 'alphanumeric' },
      {
        id: 'from',
        header: 'Wall-clock span',
        sortType: 'number',
        cell: ({ row: { original } }: CellArgs) => <SpanCell entry={original.entry} />,
      },
      {
        id: 'samples',
        header: 'Samples',
        sortType: 'number',
        cell: ({ row: { original } }: CellArgs) => <span className={styles.number}>{countText(original.samples)}</span>,
      },
      { id: 'events', header: 'Events' },
      {
        id: 'status',
        header: 'Status',
        sortType: 'alphanumeric',
        cell: ({ row: { original } }: CellArgs) => <StatusCell entry={original.entry} />,
      },
      {
        id: 'size',
        header: 'Size',
        sortType: 'number',
        cell: ({ row: { original } }: CellArgs) => <span className={styles.number}>{sizeText(original.size)}</span>,
      },
      {
        id: 'explore',
        disableGrow: true,
        cell: ({ row: { original } }: CellArgs) =>
          original.exploreHref ? (
            <LinkButton
              size="sm"
              variant="secondary"
              fill="outline"
              icon="compass"
              href={original.exploreHref}
              aria-label={`Explore ${original.id}`}
            >
              Explore
            </LinkButton>
          ) : null,
      },
    ],
    [styles]
  );

  return (
    <div className={styles.container}>
      <div className={styles.summary}>
        {plural(profiles.length, 'profile')}
        {skipped.length > 0 && `, ${plural(skipped.length, 'other object')}`}
      </div>
      {profiles.length === 0 ? (
        <EmptyState variant="not-found" message="No profiles in this data source's storage">
          <p className={styles.hint}>
            The sidecar reads <code>perf script</code> output, plain or gzip, from its bucket or folder. Upload some
            (see the project README for capturing them), then refresh.
          </p>
        </EmptyState>
      ) : (
        <div data-testid={testIds.profiles.table}>
          <InteractiveTable
            columns={columns}
            data={rows}
            getRowId={(row: Row) => row.id}
            initialSortBy={INITIAL_SORT}
            pageSize={rows.length > 100 ? 100 : 0}
          />
        </div>
      )}
      {skipped.length > 0 && (
        <div className={styles.notProfiles}>
          <CollapsableSection
            isOpen={false}
            label={`Not profiles (${skipped.length})`}
            headerDataTestId={testIds.profiles.notProfilesHeader}
            contentDataTestId={testIds.profiles.notProfiles}
          >
            <ul className={styles.skippedList}>
              {skipped.map((entry) => (
                <li key={entry.id}>
                  <span className={styles.id}>{entry.id}</span>
                  <span className={styles.reason}>
                    {' '}
                    — {entry.reason ?? 'skipped'} ({sizeText(entry.size)})
                  </span>
                </li>
              ))}
            </ul>
          </CollapsableSection>
        </div>
      )}
    </div>
  );
}

function SpanCell({ entry }: { entry: ProfileEntry }) {
  const styles = useStyles2(getStyles);
  if (entry.from === undefined || entry.to === undefined) {
    return <span className={styles.weak}>unknown until parsed</span>;
  }
  const text = spanText(entry.from, entry.to);
  if (!entry.spanKnown) {
    return (
      <Tooltip content="Estimated from the object's key and last-modified time; exact once the profile is parsed">
        <span className={styles.weak}>≈ {text}</span>
      </Tooltip>
    );
  }
  return (
    <span title={entry.anchor ? `Placed on the wall clock by ${entry.anchor.method}` : undefined}>
      {text}
      {entry.anchor && entry.anchor.precisionMs >= 1000 && (
        <span className={styles.weak}> ±{precisionText(entry.anchor.precisionMs)}</span>
      )}
    </span>
  );
}

function StatusCell({ entry }: { entry: ProfileEntry }) {
  const styles = useStyles2(getStyles);
  const percent = parsingPercent(entry);
  return (
    <div className={styles.status}>
      <Badge
        color={STATUS_COLORS[entry.status]}
        text={statusText(entry)}
        icon={entry.status === 'parsing' ? 'fa fa-spinner' : undefined}
      />
      {percent !== undefined && (
        <progress className={styles.progress} max={100} value={percent} aria-label={`Parsed ${percent}%`} />
      )}
      {entry.status === 'failed' && entry.reason && <span className={styles.reason}>{entry.reason}</span>}
    </div>
  );
}

function precisionText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  summary: css({
    color: theme.colors.text.secondary,
  }),
  id: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    wordBreak: 'break-all',
  }),
  number: css({
    fontVariantNumeric: 'tabular-nums',
    whiteSpace: 'nowrap',
  }),
  weak: css({
    color: theme.colors.text.secondary,
  }),
  status: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: theme.spacing(0.5),
  }),
  progress: css({
    width: theme.spacing(12),
    height: theme.spacing(0.5),
    accentColor: theme.colors.primary.main,
  }),
  reason: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  hint: css({
    color: theme.colors.text.secondary,
    maxWidth: '70ch',
    margin: '0 auto',
  }),
  notProfiles: css({
    borderTop: `1px solid ${theme.colors.border.weak}`,
  }),
  skippedList: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
});
