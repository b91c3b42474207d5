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
import { dataProxyTimeoutMs } from './data-proxy';
import { installRuntime } from './runtime';
import { createSidecarDataSource, SIDECAR_UID, sidecarSettings } from './sidecar';

async function main() {
  installIcons();
  // @grafana/ui's components translate their texts; with no translations loaded they show their English defaults.
  await initPluginTranslations('flamescope-host').catch(() => undefined);
  // `?dataproxyTimeout=<s>` sets the data-proxy stand-in's timeout (Grafana's GF_DATAPROXY_TIMEOUT, 30 s by default).
  const dataSources = installRuntime(SIDECAR_UID, { dataProxyTimeoutMs: dataProxyTimeoutMs(window.location.search) });
  const sidecar = createSidecarDataSource();
  dataSources.add(sidecar, sidecarSettings());
  createRoot(document.getElementById('root')!).render(<App services={{ dataSources, sidecar }} />);
}

void main();
