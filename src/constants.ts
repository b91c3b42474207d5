import pluginJson from './plugin.json';

/** The app's id (`flamescope-flamescope-app`). */
export const PLUGIN_ID = pluginJson.id;

/** The nested data source's plugin id: the Profiles page lists data sources of this type. */
export const DATASOURCE_TYPE = 'flamescope-flamescope-datasource';

/** Grafana's "Add new connection" page, where a FlameScope data source is created. */
export const ADD_DATASOURCE_PATH = '/connections/datasources/new';

/** The app's page in Grafana's plugin catalog: it shows src/README.md, which says how to run the sidecar. */
export const PLUGIN_DETAILS_PATH = `/plugins/${PLUGIN_ID}`;

/** How often the catalog is listed again while a profile is being parsed (to show its progress). */
export const PARSING_POLL_MS = 3000;
