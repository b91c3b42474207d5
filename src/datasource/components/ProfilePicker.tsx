/**
 * Profile pickers: searchable, listing the catalog in the dashboard range, and taking typed values too (an id not
 * listed yet, or a `$variable`).
 */
import React from 'react';
import { Combobox, MultiCombobox } from '@grafana/ui';
import { ProfileLister, useProfileOptions } from './profileOptions';

const CUSTOM_VALUE_DESCRIPTION = 'Use this profile id or $variable';

interface PickerBaseProps {
  /** The input's id, for the label's htmlFor. */
  id: string;
  datasource: ProfileLister;
  /** Epoch ms: the catalog is listed for profiles overlapping it. */
  range?: { from: number; to: number };
  'data-testid'?: string;
}

export interface ProfilesPickerProps extends PickerBaseProps {
  value: string[];
  onChange: (profiles: string[]) => void;
}

/** Several profiles (they stitch together in time order). */
export function ProfilesPicker({ id, datasource, range, value, onChange, 'data-testid': testId }: ProfilesPickerProps) {
  const loadOptions = useProfileOptions(datasource, range);
  return (
    <MultiCombobox<string>
      id={id}
      data-testid={testId}
      options={loadOptions}
      value={value}
      onChange={(options) => onChange(options.map((option) => option.value))}
      createCustomValue
      customValueDescription={CUSTOM_VALUE_DESCRIPTION}
      placeholder="Choose profiles, or type an id or $variable"
      isClearable
      width="auto"
      minWidth={40}
      maxWidth={100}
    />
  );
}

export interface ProfilePickerProps extends PickerBaseProps {
  value: string | undefined;
  onChange: (profile: string | undefined) => void;
}

/** One profile (the flame graph's baseline). */
export function ProfilePicker({ id, datasource, range, value, onChange, 'data-testid': testId }: ProfilePickerProps) {
  const loadOptions = useProfileOptions(datasource, range);
  return (
    <Combobox<string>
      id={id}
      data-testid={testId}
      options={loadOptions}
      value={value ? { value, label: value } : null}
      onChange={(option) => onChange(option?.value)}
      createCustomValue
      customValueDescription={CUSTOM_VALUE_DESCRIPTION}
      placeholder="Choose a profile, or type an id or $variable"
      isClearable
      width="auto"
      minWidth={40}
      maxWidth={100}
    />
  );
}
