/**
 * The words the panel uses for where it runs: in Grafana a dashboard (its time range, a link to it), in the viewer
 * — which names its edition "FlameScope" in the boot data Grafana's runtime reads — the view. Inside Grafana the panel
 * keeps Grafana's words.
 */
import { config } from '@grafana/runtime';

export interface HostWords {
  zoomTooltip: string;
  fitTooltip: string;
  linkTooltip: string;
}

const GRAFANA: HostWords = {
  zoomTooltip: "Set the dashboard's time range to the selection: every panel follows",
  fitTooltip: "Set the dashboard's time range to the span of the profiles shown",
  linkTooltip: 'Copy a link to this dashboard with this selection',
};

const VIEWER: HostWords = {
  zoomTooltip: 'Show only the selection: the time range becomes the selection',
  fitTooltip: 'Set the time range to the whole profile',
  linkTooltip: 'Copy a link that reopens this profile, time range and selection',
};

export function hostWords(): HostWords {
  return (config.buildInfo?.edition as string | undefined) === 'FlameScope' ? VIEWER : GRAFANA;
}
