/**
 * The viewer page's entry (bundled to lib/host/host.js by build.mjs; the sidecar serves it at /): Grafana's runtime
 * services for a page without Grafana, Grafana's icons and translations, then the page.
 */
import './boot-data';
import { initPluginTranslations } from '@grafana/i18n';
import React from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './host.css';
import { installIcons } from './icons';
import { installRuntime } from './runtime';
import { createSidecarDataSource, SIDECAR_UID, sidecarSettings } from './sidecar';

async function main() {
  installIcons();
  // @grafana/ui's components translate their texts; with no translations loaded they show their English defaults.
  await initPluginTranslations('flamescope-host').catch(() => undefined);
  const dataSources = installRuntime(SIDECAR_UID);
  const sidecar = createSidecarDataSource();
  dataSources.add(sidecar, sidecarSettings());
  createRoot(document.getElementById('root')!).render(<App services={{ dataSources, sidecar }} />);
}

void main();
