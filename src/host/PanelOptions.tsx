/**
 * The panel's options in the viewer, as Grafana's panel editor sets them: a change reaches the panel as new
 * `options` props at once, whatever the panel did with them before (a dragged split, a flipped icicle) — the case
 * Grafana's editor creates and the browser tests check. Names and bounds are the editor's (OPTION_TEXTS).
 */
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Field, Input, RadioButtonGroup, Slider, Switch, Toggletip, ToolbarButton, useStyles2 } from '@grafana/ui';
import React, { useState } from 'react';
import { FlameScopeOptions, OPTION_TEXTS } from '../panel/options';

export type EditableOptions = Pick<FlameScopeOptions, 'split' | 'inverted' | 'maxNodes' | 'colorScale'>;

interface Props {
  value: EditableOptions;
  onChange(next: EditableOptions): void;
}

export function PanelOptions({ value, onChange }: Props) {
  return (
    <Toggletip title="Panel options" content={<OptionsForm value={value} onChange={onChange} />} placement="bottom-end">
      <ToolbarButton icon="sliders-v-alt" aria-label="Panel options" data-testid="flamescope-panel-options">
        Panel options
      </ToolbarButton>
    </Toggletip>
  );
}

function OptionsForm({ value, onChange }: Props) {
  const styles = useStyles2(getStyles);
  const { split, inverted, maxNodes, colorScale } = OPTION_TEXTS;
  // The node budget applies on Enter or leaving the field, as Grafana's number editor does: not on each key.
  const [nodesText, setNodesText] = useState(String(value.maxNodes));
  const nodes = Number(nodesText);
  const nodesValid = Number.isInteger(nodes) && nodes >= maxNodes.min && nodes <= maxNodes.max;
  const applyNodes = () => nodesValid && nodes !== value.maxNodes && onChange({ ...value, maxNodes: nodes });
  return (
    <div className={styles.form}>
      <Field label={colorScale.name} description={colorScale.description}>
        <RadioButtonGroup
          size="sm"
          options={colorScale.options.map((o) => ({ ...o }))}
          value={value.colorScale ?? 'auto'}
          onChange={(v) => onChange({ ...value, colorScale: v })}
        />
      </Field>
      <Field label={split.name}>
        <Slider
          inputId="flamescope-option-split"
          min={split.min}
          max={split.max}
          step={split.step}
          value={value.split}
          onChange={(v) => onChange({ ...value, split: v })}
        />
      </Field>
      <Field label={inverted.name}>
        <Switch
          id="flamescope-option-inverted"
          value={value.inverted}
          onChange={(e) => onChange({ ...value, inverted: e.currentTarget.checked })}
        />
      </Field>
      <Field
        label={maxNodes.name}
        description={maxNodes.description}
        invalid={!nodesValid}
        error={nodesValid ? undefined : `A whole number from ${maxNodes.min} to ${maxNodes.max}`}
      >
        <Input
          id="flamescope-option-max-nodes"
          type="number"
          min={maxNodes.min}
          max={maxNodes.max}
          value={nodesText}
          onChange={(e) => setNodesText(e.currentTarget.value)}
          onBlur={applyNodes}
          onKeyDown={(e) => e.key === 'Enter' && applyNodes()}
        />
      </Field>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ width: 340, paddingTop: theme.spacing(1) }),
});
