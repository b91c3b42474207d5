import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';

const Profiles = React.lazy(() => import('../../pages/Profiles'));

/** One page: every path under the app (`/a/flamescope-flamescope-app/…`) shows the profile catalog. */
function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path="*" element={<Profiles />} />
    </Routes>
  );
}

export default App;
