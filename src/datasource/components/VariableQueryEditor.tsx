/**
 * The template-variable query editor: profile ids, hosts, or the "folders" (prefixes) under a prefix.
 *
 * Props follow Grafana's legacy variable query editor (`DataSourcePlugin.setVariableQueryEditor`), which calls the
 * data source's `metricFindQuery(query)` with the query object this editor emits:
 *
 *   { query: FlameScopeVariableQuery; onChange(query, definition): void; datasource?: FlameScopeDataSource }
 *
 * `definition` is the human-readable summary Grafana lists on the variables page. A variable saved before this
 * editor existed may hold its query as a plain string (a prefix), which `metricFindQuery` also accepts: it is read
 * as `{ kind: 'profiles', prefix }`. Fields it does not know (e.g. a `refId`) pass through unchanged, so the same
 * component can serve as a `CustomVariableSupport` editor, whose `onChange(query)` ignores the second argument.
 */
import React, { useId } from 'react';
import { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import type { FlameScopeDataSource } from '../datasource';
import { FlameScopeVariableQuery } from '../types';
import { TextInput } from './inputs';
import { testIds } from './testIds';

export interface VariableQueryEditorProps {
  query: FlameScopeVariableQuery | string | undefined;
  onChange: (query: FlameScopeVariableQuery, definition: string) => void;
  /** Unused; Grafana passes it. */
  datasource?: FlameScopeDataSource;
}

type Kind = FlameScopeVariableQuery['kind'];

const KINDS: Array<SelectableValue<Kind>> = [
  { value: 'profiles', label: 'Profiles', description: 'Profile ids (objects that are profiles)' },
  { value: 'hosts', label: 'Hosts', description: 'Hosts the profiles were recorded on' },
  { value: 'prefixes', label: 'Prefixes', description: 'The next level of "folders" under the prefix' },
];

const KIND_NAMES: Record<Kind, string> = { profiles: 'Profiles', hosts: 'Hosts', prefixes: 'Prefixes' };

/** A stored variable query, whatever its age, as the query object (other fields, such as a refId, are kept). */
export function normalizeVariableQuery(query: FlameScopeVariableQuery | string | undefined): FlameScopeVariableQuery {
  if (typeof query === 'string') {
    return { kind: 'profiles', prefix: query };
  }
  return { ...query, kind: query?.kind ?? 'profiles' };
}

/** "Hosts under prod/": how the variables list describes the query. */
export function variableQueryDefinition(query: FlameScopeVariableQuery): string {
  const name = KIND_NAMES[query.kind] ?? query.kind;
  return query.prefix ? `${name} under ${query.prefix}` : name;
}

export function VariableQueryEditor({ query: stored, onChange }: VariableQueryEditorProps) {
  const id = useId();
  const query = normalizeVariableQuery(stored);
  const emit = (next: FlameScopeVariableQuery) => onChange(next, variableQueryDefinition(next));

  return (
    <>
      <InlineFieldRow>
        <InlineField label="List" labelWidth={14} data-testid={testIds.variable.kind}>
          <RadioButtonGroup<Kind>
            aria-label="List"
            options={KINDS}
            value={query.kind}
            onChange={(kind) => emit({ ...query, kind })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Prefix"
          labelWidth={14}
          tooltip="Only profiles whose id starts with this prefix (e.g. prod/web-01/). Accepts other $variables."
        >
          <TextInput
            id={`${id}-prefix`}
            data-testid={testIds.variable.prefix}
            width={40}
            placeholder="all profiles"
            value={query.prefix}
            onCommit={(prefix) => emit({ ...query, prefix: prefix.trim() || undefined })}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
