import React, { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { css } from '@emotion/css';
import { DataSourceInstanceSettings, GrafanaTheme2 } from '@grafana/data';
import { getDataSourceSrv, PluginPage } from '@grafana/runtime';
import {
  Alert,
  Button,
  Combobox,
  ComboboxOption,
  InlineField,
  LinkButton,
  LoadingPlaceholder,
  useStyles2,
} from '@grafana/ui';
import { NoDataSource } from '../components/NoDataSource/NoDataSource';
import { ProfileCatalog } from '../components/ProfileCatalog/ProfileCatalog';
import { useCatalog } from '../components/ProfileCatalog/useCatalog';
import { testIds } from '../components/testIds';
import { DATASOURCE_TYPE } from '../constants';
import { grafanaPath } from '../utils/links';

/** The URL parameter that keeps the chosen data source (so a reload or a shared link shows the same catalog). */
const DATASOURCE_PARAM = 'datasource';

/**
 * The app's page: the profiles each FlameScope data source's sidecar sees, each with a link to its flame graph in
 * Explore (which draws flame graphs, not heat maps).
 */
function Profiles() {
  const dataSources = useMemo(() => getDataSourceSrv().getList({ type: DATASOURCE_TYPE }), []);
  return (
    <PluginPage subTitle="The perf profiles your FlameScope sidecars see: where each was captured, when, and whether it is parsed.">
      <div data-testid={testIds.profiles.container}>
        {dataSources.length === 0 ? <NoDataSource /> : <Catalog dataSources={dataSources} />}
      </div>
    </PluginPage>
  );
}

export default Profiles;

function Catalog({ dataSources }: { dataSources: DataSourceInstanceSettings[] }) {
  const styles = useStyles2(getStyles);
  const [params, setParams] = useSearchParams();
  const requested = params.get(DATASOURCE_PARAM);
  const selected =
    dataSources.find((ds) => ds.uid === requested) ?? dataSources.find((ds) => ds.isDefault) ?? dataSources[0];
  const { entries, loading, error, refresh } = useCatalog(selected.uid);
  const options = useMemo<Array<ComboboxOption<string>>>(
    () => dataSources.map((ds) => ({ label: ds.name, value: ds.uid })),
    [dataSources]
  );

  const onSelect = (option: ComboboxOption<string>) => {
    const next = new URLSearchParams(params);
    next.set(DATASOURCE_PARAM, option.value);
    setParams(next, { replace: true });
  };

  return (
    <div className={styles.page}>
      <div className={styles.toolbar}>
        <InlineField label="Data source" htmlFor="flamescope-profiles-datasource">
          <Combobox
            id="flamescope-profiles-datasource"
            data-testid={testIds.profiles.dataSourcePicker}
            width={32}
            options={options}
            value={selected.uid}
            onChange={onSelect}
          />
        </InlineField>
        <Button
          variant="secondary"
          icon={loading ? 'spinner' : 'sync'}
          onClick={refresh}
          disabled={loading}
          data-testid={testIds.profiles.refresh}
        >
          Refresh
        </Button>
        <LinkButton
          variant="secondary"
          fill="text"
          icon="cog"
          href={grafanaPath(`/connections/datasources/edit/${encodeURIComponent(selected.uid)}`)}
        >
          Data source settings
        </LinkButton>
      </div>
      {error && (
        <Alert severity="error" title={`Cannot list the profiles of ${selected.name}`}>
          {error}
        </Alert>
      )}
      {entries ? (
        <ProfileCatalog dataSourceUid={selected.uid} entries={entries} />
      ) : (
        loading && <LoadingPlaceholder text="Listing profiles…" />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  }),
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    '& > *': {
      marginBottom: 0,
    },
  }),
});
