/** Stable hooks for tests (unit and end-to-end) on the app's Profiles page. */
export const testIds = {
  profiles: {
    container: 'data-testid flamescope-profiles',
    noDataSource: 'data-testid flamescope-no-datasource',
    dataSourcePicker: 'data-testid flamescope-datasource-picker',
    refresh: 'data-testid flamescope-refresh',
    table: 'data-testid flamescope-profile-table',
    notProfiles: 'data-testid flamescope-not-profiles',
    notProfilesHeader: 'data-testid flamescope-not-profiles-header',
  },
};
