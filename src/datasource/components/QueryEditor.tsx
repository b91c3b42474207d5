/**
 * The query editor: what to draw (heat map, flame graph, the profile catalog, or profile spans as annotations), from
 * which profiles, and the sample filters. Text and number fields commit on blur or Enter; every commit and every
 * discrete choice (type, switch, selection) runs the query.
 */
import React, { useId } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2, QueryEditorProps, SelectableValue } from '@grafana/data';
import { Button, InlineField, InlineFieldRow, InlineSwitch, RadioButtonGroup, Text, useStyles2 } from '@grafana/ui';
import type { FlameScopeDataSource } from '../datasource';
import { BaselineMode, DEFAULT_QUERY, FlameScopeOptions, FlameScopeQuery, QueryType } from '../types';
import { NumberInput, TextInput } from './inputs';
import { ProfilePicker, ProfilesPicker } from './ProfilePicker';
import { epochRange } from './profileOptions';
import { testIds } from './testIds';

export type FlameScopeQueryEditorProps = QueryEditorProps<FlameScopeDataSource, FlameScopeQuery, FlameScopeOptions>;

const LABEL_WIDTH = 16;

const QUERY_TYPES: Array<SelectableValue<QueryType>> = [
  { value: 'heatmap', label: 'Heat map', description: 'Samples per subsecond offset (rows) and second (columns)' },
  { value: 'flamegraph', label: 'Flame graph', description: 'Stacks of the time range, or of a selection in it' },
  { value: 'profiles', label: 'Profiles', description: 'The profile catalog as a table' },
  { value: 'annotations', label: 'Annotations', description: "Each profile's time span as an annotation" },
];

const BASELINES: Array<SelectableValue<BaselineMode>> = [
  { value: 'none', label: 'None' },
  { value: 'range', label: 'Time range', description: 'Compare with another time range of the same profiles' },
  { value: 'profile', label: 'Profile', description: 'Compare with another profile' },
];

const WEIGHTS: Array<SelectableValue<'samples' | 'period'>> = [
  { value: 'samples', label: 'Samples', description: 'Each sample counts one' },
  { value: 'period', label: 'Period', description: "Each sample counts its event's period (e.g. cycles)" },
];

/** Applies a change to the query and runs it. Cleared text fields become undefined ("not set"). */
type Update = (patch: Partial<FlameScopeQuery>) => void;

interface SectionProps {
  query: FlameScopeQuery;
  update: Update;
  /** Prefix for the inputs' ids (several queries share a page). */
  idPrefix: string;
}

export function QueryEditor({ query, onChange, onRunQuery, datasource, range }: FlameScopeQueryEditorProps) {
  const idPrefix = useId();
  const type = query.queryType ?? DEFAULT_QUERY.queryType ?? 'heatmap';
  const update: Update = (patch) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };
  const section = { query, update, idPrefix };
  const pickerRange = epochRange(range);
  const drawsSamples = type === 'heatmap' || type === 'flamegraph';

  return (
    <>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH} data-testid={testIds.query.queryType}>
          <RadioButtonGroup<QueryType>
            aria-label="Query type"
            options={QUERY_TYPES}
            value={type}
            onChange={(queryType) => update({ queryType })}
          />
        </InlineField>
      </InlineFieldRow>
      <SourceRows {...section} drawsSamples={drawsSamples} datasource={datasource} range={pickerRange} />
      {type === 'heatmap' && <HeatmapRow {...section} defaultRows={datasource.defaults?.defaultRows} />}
      {type === 'flamegraph' && <FlameGraphRows {...section} datasource={datasource} range={pickerRange} />}
      {drawsSamples && <FilterRows {...section} defaultIdle={datasource.defaults?.defaultIdle} />}
    </>
  );
}

interface PickerContext {
  datasource: FlameScopeDataSource;
  range?: { from: number; to: number };
}

/** Which profiles: chosen ones (heat maps and flame graphs), or every profile under a prefix. */
function SourceRows({
  query,
  update,
  idPrefix,
  drawsSamples,
  datasource,
  range,
}: SectionProps & PickerContext & { drawsSamples: boolean }) {
  const hasProfiles = (query.profiles ?? []).length > 0;
  return (
    <>
      {drawsSamples && (
        <InlineFieldRow>
          <InlineField
            label="Profiles"
            labelWidth={LABEL_WIDTH}
            tooltip="Profiles listed for the dashboard time range. Several are stitched together in time order. Type an id or a $variable to use it as is."
            grow
          >
            <ProfilesPicker
              id={`${idPrefix}-profiles`}
              data-testid={testIds.query.profilePicker}
              datasource={datasource}
              range={range}
              value={query.profiles ?? []}
              onChange={(profiles) => update({ profiles })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <InlineFieldRow>
        <InlineField
          label="Prefix"
          labelWidth={LABEL_WIDTH}
          tooltip={
            drawsSamples
              ? 'Instead of choosing profiles: every profile whose id starts with this prefix and overlaps the dashboard time range, stitched together. Used only when no profile is chosen.'
              : 'Only profiles whose id starts with this prefix. Accepts $variables.'
          }
        >
          <TextInput
            id={`${idPrefix}-prefix`}
            data-testid={testIds.query.prefix}
            width={40}
            placeholder={drawsSamples && hasProfiles ? 'not used while profiles are chosen' : 'e.g. prod/web-01/'}
            value={query.prefix}
            onCommit={(prefix) => update({ prefix: prefix.trim() || undefined })}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}

function HeatmapRow({ query, update, idPrefix, defaultRows }: SectionProps & { defaultRows?: number }) {
  return (
    <InlineFieldRow>
      <InlineField label="Rows" labelWidth={LABEL_WIDTH} tooltip="Subsecond buckets per second (1–1000)">
        <NumberInput
          id={`${idPrefix}-rows`}
          data-testid={testIds.query.rows}
          width={12}
          min={1}
          max={1000}
          allowEmpty
          placeholder={String(defaultRows ?? DEFAULT_QUERY.rows)}
          value={query.rows}
          onCommit={(rows) => update({ rows })}
        />
      </InlineField>
      <InlineField label="Max columns" tooltip="At most this many columns: more seconds merge into one column">
        <NumberInput
          id={`${idPrefix}-max-columns`}
          data-testid={testIds.query.maxColumns}
          width={12}
          min={1}
          allowEmpty
          placeholder={String(DEFAULT_QUERY.maxColumns)}
          value={query.maxColumns}
          onCommit={(maxColumns) => update({ maxColumns })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

function FlameGraphRows(props: SectionProps & PickerContext) {
  const { query, update, idPrefix } = props;
  const baseline = query.baseline ?? 'none';
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Max nodes" labelWidth={LABEL_WIDTH} tooltip="Smaller frames beyond this many merge">
          <NumberInput
            id={`${idPrefix}-max-nodes`}
            data-testid={testIds.query.maxNodes}
            width={12}
            min={1}
            allowEmpty
            placeholder={String(DEFAULT_QUERY.maxNodes)}
            value={query.maxNodes}
            onCommit={(maxNodes) => update({ maxNodes })}
          />
        </InlineField>
        <InlineField
          label="Baseline"
          tooltip="Draw a differential flame graph against a baseline"
          data-testid={testIds.query.baseline}
        >
          <RadioButtonGroup<BaselineMode>
            aria-label="Baseline"
            options={BASELINES}
            value={baseline}
            onChange={(mode) => update({ baseline: mode })}
          />
        </InlineField>
      </InlineFieldRow>
      {baseline === 'range' && <BaselineRangeRow {...props} />}
      {baseline === 'profile' && (
        <InlineFieldRow>
          <InlineField label="Baseline profile" labelWidth={LABEL_WIDTH} grow>
            <ProfilePicker
              id={`${idPrefix}-baseline-profile`}
              data-testid={testIds.query.baselineProfile}
              datasource={props.datasource}
              range={props.range}
              value={query.baselineProfile}
              onChange={(baselineProfile) => update({ baselineProfile })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <SliceRow {...props} />
    </>
  );
}

function BaselineRangeRow({ query, update, idPrefix, range }: SectionProps & PickerContext) {
  const styles = useStyles2(getStyles);
  const { baselineFrom, baselineTo } = query;
  return (
    <InlineFieldRow>
      <InlineField label="Baseline from" labelWidth={LABEL_WIDTH} tooltip="Start of the baseline, epoch milliseconds">
        <NumberInput
          id={`${idPrefix}-baseline-from`}
          data-testid={testIds.query.baselineFrom}
          width={20}
          min={0}
          allowEmpty
          placeholder="epoch ms"
          value={baselineFrom}
          onCommit={(value) => update({ baselineFrom: value })}
        />
      </InlineField>
      <InlineField label="to" tooltip="End of the baseline (excluded), epoch milliseconds">
        <NumberInput
          id={`${idPrefix}-baseline-to`}
          data-testid={testIds.query.baselineTo}
          width={20}
          min={0}
          allowEmpty
          placeholder="epoch ms"
          value={baselineTo}
          onCommit={(value) => update({ baselineTo: value })}
        />
      </InlineField>
      {range && (
        <Button
          variant="secondary"
          size="md"
          fill="outline"
          data-testid={testIds.query.baselineUseRange}
          tooltip="Set the baseline to the dashboard's current time range, then move the dashboard to compare"
          onClick={() => update({ baselineFrom: Math.floor(range.from), baselineTo: Math.ceil(range.to) })}
        >
          Use dashboard range
        </Button>
      )}
      {baselineFrom !== undefined && baselineTo !== undefined && (
        <div className={styles.note}>
          <Text color={baselineTo > baselineFrom ? 'secondary' : 'error'} variant="bodySmall">
            {baselineTo > baselineFrom
              ? `${dateTimeFormat(baselineFrom)} to ${dateTimeFormat(baselineTo)}`
              : 'The baseline must end after it starts'}
          </Text>
        </div>
      )}
    </InlineFieldRow>
  );
}

/** A slice of the range chosen in a panel (query.from/to): shown so it can be cleared. */
function SliceRow({ query, update }: SectionProps) {
  const styles = useStyles2(getStyles);
  if (query.from === undefined && query.to === undefined) {
    return null;
  }
  const describe = (ms: number | undefined) => (ms === undefined ? 'range start' : dateTimeFormat(ms));
  return (
    <InlineFieldRow data-testid={testIds.query.slice}>
      <div className={styles.note}>
        <Text color="secondary">
          Only the selection {describe(query.from)} to {query.to === undefined ? 'range end' : describe(query.to)}
        </Text>
      </div>
      <Button
        variant="secondary"
        size="sm"
        fill="text"
        icon="times"
        onClick={() => update({ from: undefined, to: undefined })}
      >
        Use the whole range
      </Button>
    </InlineFieldRow>
  );
}

function FilterRows({ query, update, idPrefix, defaultIdle }: SectionProps & { defaultIdle?: boolean }) {
  const text = (key: 'event' | 'cpu' | 'pid' | 'tid' | 'comm', label: string, placeholder: string, tooltip: string) => (
    <InlineField label={label} labelWidth={key === 'event' ? LABEL_WIDTH : undefined} tooltip={tooltip}>
      <TextInput
        id={`${idPrefix}-${key}`}
        data-testid={testIds.query[key]}
        width={key === 'event' || key === 'comm' ? 20 : 10}
        placeholder={placeholder}
        value={query[key]}
        onCommit={(value) => update({ [key]: value.trim() || undefined })}
      />
    </InlineField>
  );
  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="Idle"
          labelWidth={LABEL_WIDTH}
          tooltip="Include idle samples (the swapper task in its idle loop)"
        >
          <InlineSwitch
            id={`${idPrefix}-idle`}
            data-testid={testIds.query.idle}
            value={query.idle ?? defaultIdle ?? false}
            onChange={(e) => update({ idle: e.currentTarget.checked })}
          />
        </InlineField>
        <InlineField label="Weight" data-testid={testIds.query.weight}>
          <RadioButtonGroup<'samples' | 'period'>
            aria-label="Weight"
            options={WEIGHTS}
            value={query.weight ?? 'samples'}
            onChange={(weight) => update({ weight })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {text('event', 'Event', 'any', 'Only samples of this event (e.g. cpu-clock). Accepts $variables.')}
        {text('cpu', 'CPU', 'any', 'Only samples on this CPU number. Accepts $variables.')}
        {text('pid', 'PID', 'any', 'Only samples of this process id. Accepts $variables.')}
        {text('tid', 'TID', 'any', 'Only samples of this thread id. Accepts $variables.')}
        {text('comm', 'Command', 'any', 'Only samples of this command name. Accepts $variables.')}
      </InlineFieldRow>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  note: css({
    display: 'flex',
    alignItems: 'center',
    minHeight: theme.spacing(theme.components.height.md),
    margin: theme.spacing(0, 1, 0.5, 0),
  }),
});
