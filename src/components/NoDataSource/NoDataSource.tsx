import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { EmptyState, LinkButton, Stack, useStyles2 } from '@grafana/ui';
import { ADD_DATASOURCE_PATH, PLUGIN_DETAILS_PATH } from '../../constants';
import { grafanaPath } from '../../utils/links';
import { testIds } from '../testIds';

/** What the Profiles page shows before any FlameScope data source exists: what FlameScope is, and where to start. */
export function NoDataSource() {
  const styles = useStyles2(getStyles);
  return (
    <div data-testid={testIds.profiles.noDataSource}>
      <EmptyState
        variant="call-to-action"
        message="No FlameScope data source yet"
        button={
          <Stack gap={1} justifyContent="center" wrap="wrap">
            <LinkButton icon="plus" href={grafanaPath(ADD_DATASOURCE_PATH)}>
              Add a FlameScope data source
            </LinkButton>
            <LinkButton icon="book" variant="secondary" href={grafanaPath(PLUGIN_DETAILS_PATH)}>
              How to run the sidecar
            </LinkButton>
          </Stack>
        }
      >
        <p className={styles.text}>
          FlameScope finds time-based performance problems — latency spikes, periodic stalls, GC pauses — in CPU
          profiles: a subsecond-offset heat map shows every second of a perf profile, and the flame graph of any slice
          you select shows what ran then.
        </p>
        <p className={styles.text}>
          It reads the profiles through the FlameScope sidecar, a small service that runs next to Grafana over a bucket
          or folder of <code>perf script</code> files; run the sidecar (the plugin&apos;s README says how), then add a
          FlameScope data source with its URL and token.
        </p>
      </EmptyState>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  text: css({
    maxWidth: '70ch',
    margin: `0 auto ${theme.spacing(1)}`,
    color: theme.colors.text.secondary,
  }),
});
