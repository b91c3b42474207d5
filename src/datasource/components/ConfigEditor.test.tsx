import React, { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { DataSourceSettings } from '@grafana/data';
import { FlameScopeOptions, FlameScopeSecureOptions } from '../types';
import { ConfigEditor, isValidSidecarUrl } from './ConfigEditor';
import { testIds } from './testIds';

type Settings = DataSourceSettings<FlameScopeOptions, FlameScopeSecureOptions>;

function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'flamescope',
    orgId: 1,
    name: 'FlameScope',
    type: 'flamescope-flamescope-datasource',
    access: 'proxy',
    url: '',
    jsonData: {},
    secureJsonFields: {},
    ...overrides,
  } as Settings;
}

/** The editor as Grafana hosts it: every change comes back as the new options. */
function renderEditor(initial: Settings) {
  const onOptionsChange = jest.fn();
  function Host() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          onOptionsChange(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Host />);
  return onOptionsChange;
}

function lastOptions(onOptionsChange: jest.Mock): Settings {
  return onOptionsChange.mock.calls[onOptionsChange.mock.calls.length - 1][0];
}

describe('ConfigEditor', () => {
  it('updates jsonData.sidecarUrl, keeping the rest of jsonData', () => {
    const onOptionsChange = renderEditor(settings({ jsonData: { defaultRows: 80 } }));
    const input = screen.getByLabelText(/Sidecar URL/);
    expect(input).toHaveAttribute('placeholder', 'http://flamescope:8686');

    fireEvent.change(input, { target: { value: 'http://flamescope:8686' } });

    expect(lastOptions(onOptionsChange).jsonData).toEqual({ sidecarUrl: 'http://flamescope:8686', defaultRows: 80 });
  });

  it('flags a URL that is not http(s) once the field is left, and trims spaces', () => {
    const onOptionsChange = renderEditor(settings());
    const input = screen.getByTestId(testIds.config.sidecarUrl);

    fireEvent.change(input, { target: { value: 'flamescope:8686' } });
    expect(screen.queryByText(/Enter an http/)).not.toBeInTheDocument();
    fireEvent.blur(input);
    expect(screen.getByText(/Enter an http:\/\/ or https:\/\/ URL/)).toBeInTheDocument();

    fireEvent.change(input, { target: { value: ' https://sidecar.internal:8686 ' } });
    fireEvent.blur(input);
    expect(screen.queryByText(/Enter an http/)).not.toBeInTheDocument();
    expect(lastOptions(onOptionsChange).jsonData.sidecarUrl).toBe('https://sidecar.internal:8686');
  });

  it('validates sidecar URLs', () => {
    expect(isValidSidecarUrl('http://flamescope:8686')).toBe(true);
    expect(isValidSidecarUrl('https://10.0.0.5')).toBe(true);
    expect(isValidSidecarUrl('flamescope:8686')).toBe(false);
    expect(isValidSidecarUrl('ftp://flamescope')).toBe(false);
    expect(isValidSidecarUrl('')).toBe(false);
  });

  it('shows 50 default rows and stores a new valid number', () => {
    const onOptionsChange = renderEditor(settings());
    const rows = screen.getByLabelText(/Default rows/);
    expect(rows).toHaveValue(50);

    fireEvent.change(rows, { target: { value: '120' } });

    expect(lastOptions(onOptionsChange).jsonData.defaultRows).toBe(120);
  });

  it('never stores rows outside 1..1000, and reverts them on blur', () => {
    const onOptionsChange = renderEditor(settings({ jsonData: { defaultRows: 40 } }));
    const rows = screen.getByLabelText(/Default rows/);

    fireEvent.change(rows, { target: { value: '0' } });
    fireEvent.change(rows, { target: { value: '1001' } });
    fireEvent.change(rows, { target: { value: '2.5' } });
    expect(onOptionsChange).not.toHaveBeenCalled();
    expect(rows).toHaveAttribute('aria-invalid', 'true');

    fireEvent.blur(rows);
    expect(rows).toHaveValue(40);
  });

  it('stores "include idle samples by default"', () => {
    const onOptionsChange = renderEditor(settings());
    fireEvent.click(screen.getByLabelText('Include idle samples by default'));
    expect(lastOptions(onOptionsChange).jsonData.defaultIdle).toBe(true);
  });

  it('writes a new API token to secureJsonData', () => {
    const onOptionsChange = renderEditor(settings());
    fireEvent.change(screen.getByLabelText(/API token/), { target: { value: 's3cret' } });
    expect(lastOptions(onOptionsChange).secureJsonData).toEqual({ apiToken: 's3cret' });
  });

  it('shows a saved token as configured, and resets it', () => {
    const onOptionsChange = renderEditor(settings({ secureJsonFields: { apiToken: true } }));
    const token = screen.getByTestId(testIds.config.apiToken);
    expect(token).toHaveValue('configured');
    expect(token).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));

    const options = lastOptions(onOptionsChange);
    expect(options.secureJsonFields.apiToken).toBe(false);
    expect(options.secureJsonData?.apiToken).toBe('');
    expect(screen.getByTestId(testIds.config.apiToken)).toBeEnabled();
  });

  it('says what "Save & test" checks', () => {
    renderEditor(settings());
    expect(screen.getByText(/Save & test" checks the sidecar's health and counts the profiles/)).toBeInTheDocument();
  });

  it('says truthfully what reaches the browser: the URL does (jsonData), only the token stays on the server', () => {
    renderEditor(settings());
    const note = screen.getByText(/reads profiles through its sidecar service/).textContent!;
    // Grafana sends jsonData (sidecarUrl) to every user of the data source; secureJsonData (the token) never.
    expect(note).not.toMatch(/neither the URL nor the token|URL never|URL does not reach/i);
    expect(note).toMatch(/token stays on the server/);
    expect(note).toMatch(/sidecar URL is not secret: .*sent to the browser of each user who can use this data source/);
    expect(screen.getByText(/Users of this data source can see it/)).toBeInTheDocument();
  });
});
