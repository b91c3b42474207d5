/**
 * Template-variable support: profile ids, hosts, or the prefixes ("folders") under a prefix, answered from the
 * sidecar's catalog. Grafana's CustomVariableSupport (the successor of metricFindQuery-based editors).
 */
import { createDataFrame, CustomVariableSupport, DataQueryRequest, DataQueryResponse, FieldType } from '@grafana/data';
import { from, Observable } from 'rxjs';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { FlameScopeDataSource } from './datasource';
import { FlameScopeVariableQuery } from './types';

type StoredVariableQuery = FlameScopeVariableQuery & { refId: string };

export class FlameScopeVariableSupport extends CustomVariableSupport<FlameScopeDataSource, StoredVariableQuery> {
  editor = VariableQueryEditor as unknown as CustomVariableSupport<FlameScopeDataSource, StoredVariableQuery>['editor'];

  constructor(private readonly datasource: FlameScopeDataSource) {
    super();
  }

  query(request: DataQueryRequest<StoredVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0] ?? { refId: 'variable', kind: 'profiles' };
    return from(
      this.datasource.metricFindQuery(target, { scopedVars: request.scopedVars }).then((values) => ({
        data: [
          createDataFrame({
            refId: target.refId,
            fields: [{ name: 'text', type: FieldType.string, values: values.map((v) => String(v.text)) }],
          }),
        ],
      }))
    );
  }
}
