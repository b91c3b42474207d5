import React, { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { FlameScopeVariableQuery } from '../types';
import {
  normalizeVariableQuery,
  VariableQueryEditor,
  VariableQueryEditorProps,
  variableQueryDefinition,
} from './VariableQueryEditor';
import { testIds } from './testIds';

/** The editor as Grafana hosts it: the emitted query comes back as the next `query`. */
function renderEditor(initial: VariableQueryEditorProps['query']) {
  const onChange = jest.fn();
  function Host() {
    const [query, setQuery] = useState(initial);
    return (
      <VariableQueryEditor
        query={query}
        onChange={(next, definition) => {
          onChange(next, definition);
          setQuery(next);
        }}
      />
    );
  }
  render(<Host />);
  return onChange;
}

describe('VariableQueryEditor', () => {
  it('emits the kind with a readable definition', () => {
    const onChange = renderEditor({ kind: 'profiles', prefix: 'prod/' });
    const kinds = screen.getByTestId(testIds.variable.kind);
    expect(within(kinds).getByRole('radio', { name: 'Profiles' })).toBeChecked();

    fireEvent.click(within(kinds).getByRole('radio', { name: 'Hosts' }));

    expect(onChange).toHaveBeenLastCalledWith({ kind: 'hosts', prefix: 'prod/' }, 'Hosts under prod/');
    expect(within(kinds).getByRole('radio', { name: 'Hosts' })).toBeChecked();
  });

  it('emits the prefix on blur, and clears it', () => {
    const onChange = renderEditor({ kind: 'prefixes' });
    const prefix = screen.getByLabelText('Prefix');
    expect(prefix).toBe(screen.getByTestId(testIds.variable.prefix));

    fireEvent.change(prefix, { target: { value: 'prod/$env/' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(prefix);
    expect(onChange).toHaveBeenLastCalledWith({ kind: 'prefixes', prefix: 'prod/$env/' }, 'Prefixes under prod/$env/');

    fireEvent.change(prefix, { target: { value: '' } });
    fireEvent.blur(prefix);
    expect(onChange).toHaveBeenLastCalledWith({ kind: 'prefixes', prefix: undefined }, 'Prefixes');
  });

  it('starts a new variable as a profile list, and reads a legacy string query as a prefix', () => {
    const onChange = renderEditor(undefined);
    expect(screen.getByRole('radio', { name: 'Profiles' })).toBeChecked();
    expect(onChange).not.toHaveBeenCalled();

    expect(normalizeVariableQuery('prod/')).toEqual({ kind: 'profiles', prefix: 'prod/' });
    expect(normalizeVariableQuery({ kind: 'hosts' })).toEqual({ kind: 'hosts', prefix: undefined });
  });

  it('keeps fields it does not know, such as a refId', () => {
    const onChange = renderEditor({ refId: 'variable-query', kind: 'profiles' } as FlameScopeVariableQuery);
    fireEvent.click(screen.getByRole('radio', { name: 'Prefixes' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'variable-query', kind: 'prefixes' }, 'Prefixes');
  });

  it('describes each kind', () => {
    const definitions = (['profiles', 'hosts', 'prefixes'] as Array<FlameScopeVariableQuery['kind']>).map((kind) =>
      variableQueryDefinition({ kind })
    );
    expect(definitions).toEqual(['Profiles', 'Hosts', 'Prefixes']);
  });
});
