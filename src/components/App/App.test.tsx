import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import App from './App';

const mockGetList = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getDataSourceSrv: () => ({ getList: (...args: unknown[]) => mockGetList(...args), get: jest.fn() }),
  PluginPage: ({ children }: { children: React.ReactNode }) => <>{children}</>,
}));

const props = {
  basename: 'a/flamescope-flamescope-app',
  meta: { id: 'flamescope-flamescope-app', name: 'FlameScope', type: PluginType.app, enabled: true, jsonData: {} },
  query: {},
  path: '',
  onNavChanged: jest.fn(),
} as unknown as AppRootProps;

describe('Components/App', () => {
  it.each(['/', '/profiles', '/anything/else'])(
    'shows the Profiles page at %s',
    async (path) => {
      mockGetList.mockReturnValue([]);
      render(
        <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <App {...props} />
        </MemoryRouter>
      );

      // The page is lazy loaded.
      expect(await screen.findByText('No FlameScope data source yet')).toBeInTheDocument();
      // Loading and rendering the page with @grafana/ui takes 6–11 s in jsdom here, and over 30 s when the machine is
      // busy: the time is not what this test checks.
    },
    90_000
  );
});
