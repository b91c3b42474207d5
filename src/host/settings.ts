/** Data-source instance settings for sources that Grafana would otherwise configure (no plugin registry here). */
import { DataSourceInstanceSettings, PluginType } from '@grafana/data';
import { FlameScopeOptions } from '../datasource/types';

export function instanceSettings(
  uid: string,
  type: string,
  name: string,
  extra: Partial<DataSourceInstanceSettings<FlameScopeOptions>> = {}
): DataSourceInstanceSettings<FlameScopeOptions> {
  return {
    uid,
    type,
    name,
    access: 'proxy',
    readOnly: true,
    jsonData: {},
    meta: {
      id: type,
      name,
      type: PluginType.datasource,
      module: '',
      baseUrl: '',
      info: {
        author: { name: 'FlameScope' },
        description: name,
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
    },
    ...extra,
  };
}
