/**
 * The data source settings: where the sidecar is (Grafana's data proxy calls it, adding the token server-side), and
 * the defaults new queries start from. Only the token is secure (secureJsonData); the URL is in jsonData, which
 * Grafana sends to every user of the data source, and the text says so.
 */
import React, { ChangeEvent, useId, useState } from 'react';
import { css } from '@emotion/css';
import { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import { Field, FieldSet, InlineField, InlineSwitch, Input, SecretInput, Text, useStyles2 } from '@grafana/ui';
import { DEFAULT_QUERY, FlameScopeOptions, FlameScopeSecureOptions } from '../types';
import { NumberInput } from './inputs';
import { testIds } from './testIds';

export type FlameScopeConfigEditorProps = DataSourcePluginOptionsEditorProps<
  FlameScopeOptions,
  FlameScopeSecureOptions
>;

export const SIDECAR_URL_PLACEHOLDER = 'http://flamescope:8686';

/** An http(s) URL with a host: what the data proxy route can call. */
export function isValidSidecarUrl(url: string): boolean {
  try {
    const parsed = new URL(url.trim());
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

export function ConfigEditor({ options, onOptionsChange }: FlameScopeConfigEditorProps) {
  const styles = useStyles2(getStyles);
  const id = useId();
  const { jsonData, secureJsonData, secureJsonFields } = options;
  const setJsonData = (patch: Partial<FlameScopeOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  return (
    <div className={styles.container}>
      <FieldSet label="Sidecar">
        <Text element="p" color="secondary">
          FlameScope reads profiles through its sidecar service. Browsers never call the sidecar: Grafana&apos;s server
          does, through its data proxy, and adds the API token there, so the token stays on the server. The sidecar URL
          is not secret: like every setting but the token, it is sent to the browser of each user who can use this data
          source. &quot;Save &amp; test&quot; checks the sidecar&apos;s health and counts the profiles it can read.
        </Text>
        <SidecarUrlField
          id={`${id}-url`}
          value={jsonData.sidecarUrl ?? ''}
          onChange={(sidecarUrl) => setJsonData({ sidecarUrl })}
        />
        <Field
          label="API token"
          description="Sent to the sidecar as a bearer token, if the sidecar was started with one."
        >
          <SecretInput
            id={`${id}-token`}
            data-testid={testIds.config.apiToken}
            width={40}
            placeholder="Sidecar API token"
            isConfigured={Boolean(secureJsonFields?.apiToken)}
            value={secureJsonData?.apiToken ?? ''}
            onChange={(e: ChangeEvent<HTMLInputElement>) =>
              onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiToken: e.currentTarget.value } })
            }
            onReset={() =>
              onOptionsChange({
                ...options,
                secureJsonFields: { ...secureJsonFields, apiToken: false },
                secureJsonData: { ...secureJsonData, apiToken: '' },
              })
            }
          />
        </Field>
      </FieldSet>

      <FieldSet label="Query defaults">
        <Field
          label="Default rows"
          description="Heat map rows (subsecond buckets per second) for new queries: 1 to 1000."
        >
          <NumberInput
            id={`${id}-rows`}
            data-testid={testIds.config.defaultRows}
            width={12}
            min={1}
            max={1000}
            commitOnChange
            value={jsonData.defaultRows ?? DEFAULT_QUERY.rows}
            onCommit={(defaultRows) => setJsonData({ defaultRows })}
          />
        </Field>
        <InlineField
          label="Include idle samples by default"
          tooltip="New queries include the samples of the idle loop (the swapper task). Each query can change it."
        >
          <InlineSwitch
            id={`${id}-idle`}
            data-testid={testIds.config.defaultIdle}
            value={jsonData.defaultIdle ?? false}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setJsonData({ defaultIdle: e.currentTarget.checked })}
          />
        </InlineField>
      </FieldSet>
    </div>
  );
}

interface SidecarUrlFieldProps {
  id: string;
  value: string;
  onChange: (url: string) => void;
}

/** The URL input: validated once the user has left it (or when a saved URL is already wrong). */
function SidecarUrlField({ id, value, onChange }: SidecarUrlFieldProps) {
  const [touched, setTouched] = useState(value !== '');
  const invalid = touched && !isValidSidecarUrl(value);
  return (
    <Field
      label="Sidecar URL"
      description="The sidecar's URL as Grafana's server reaches it (browsers do not call it), e.g. a service name on the same network. Users of this data source can see it."
      required
      invalid={invalid}
      error={
        value.trim() === ''
          ? 'The sidecar URL is required'
          : 'Enter an http:// or https:// URL, e.g. ' + SIDECAR_URL_PLACEHOLDER
      }
    >
      <Input
        id={id}
        data-testid={testIds.config.sidecarUrl}
        width={40}
        placeholder={SIDECAR_URL_PLACEHOLDER}
        value={value}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.currentTarget.value)}
        onBlur={() => {
          setTouched(true);
          if (value !== value.trim()) {
            onChange(value.trim());
          }
        }}
      />
    </Field>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    maxWidth: theme.breakpoints.values.md,
  }),
});
