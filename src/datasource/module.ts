import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { FlameScopeDataSource } from './datasource';
import { FlameScopeOptions, FlameScopeQuery } from './types';

export const plugin = new DataSourcePlugin<FlameScopeDataSource, FlameScopeQuery, FlameScopeOptions>(
  FlameScopeDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
