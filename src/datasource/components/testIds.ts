/** data-testid values of the data source's editors (tests and e2e select by these). */
export const testIds = {
  config: {
    sidecarUrl: 'flamescope-config-sidecar-url',
    apiToken: 'flamescope-config-api-token',
    defaultRows: 'flamescope-config-default-rows',
    defaultIdle: 'flamescope-config-default-idle',
  },
  query: {
    queryType: 'flamescope-query-type',
    profilePicker: 'flamescope-profile-picker',
    prefix: 'flamescope-prefix',
    rows: 'flamescope-rows',
    maxColumns: 'flamescope-max-columns',
    maxNodes: 'flamescope-max-nodes',
    baseline: 'flamescope-baseline',
    baselineFrom: 'flamescope-baseline-from',
    baselineTo: 'flamescope-baseline-to',
    baselineUseRange: 'flamescope-baseline-use-range',
    baselineProfile: 'flamescope-baseline-profile',
    slice: 'flamescope-slice',
    idle: 'flamescope-idle',
    weight: 'flamescope-weight',
    event: 'flamescope-event',
    cpu: 'flamescope-cpu',
    pid: 'flamescope-pid',
    tid: 'flamescope-tid',
    comm: 'flamescope-comm',
  },
  variable: {
    kind: 'flamescope-variable-kind',
    prefix: 'flamescope-variable-prefix',
  },
} as const;
