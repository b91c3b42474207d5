/**
 * What Grafana's server writes into its page before any plugin code runs (`window.grafanaBootData`): @grafana/runtime
 * reads it when first imported, so this module is imported first. No user, no settings: defaults throughout.
 */
const w = window as unknown as { grafanaBootData?: unknown };
w.grafanaBootData ??= {
  assets: { dark: '', light: '' },
  settings: { appSubUrl: '', buildInfo: { version: '', edition: 'FlameScope' }, featureToggles: {} },
  user: { theme: 'system', timezone: 'browser', weekStart: '', language: 'en-US', regionalFormat: 'en-US' },
  navTree: [],
};

// i18next advertises itself on the console once per page unless told it already did.
(globalThis as unknown as Record<string, unknown>).__i18next_supportNoticeShown = true;

export {};
