import { PanelPlugin } from '@grafana/data';
import { FlameScopePanel } from './FlameScopePanel';
import { DEFAULT_OPTIONS, FlameScopeOptions } from './options';

export const plugin = new PanelPlugin<FlameScopeOptions>(FlameScopePanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'palette',
      name: 'Heat-map colours',
      description:
        "FlameScope's white → red; enhanced shows counts of 1–2 in blue (single-threaded work); or a colour scheme",
      defaultValue: DEFAULT_OPTIONS.palette,
      settings: {
        options: [
          { value: 'flamescope', label: 'FlameScope' },
          { value: 'enhanced', label: 'Enhanced' },
          { value: 'scheme', label: 'Scheme' },
        ],
      },
    })
    .addSliderInput({
      path: 'split',
      name: 'Flame-graph share of the height',
      defaultValue: DEFAULT_OPTIONS.split,
      settings: { min: 0.2, max: 0.8, step: 0.05 },
    })
    .addBooleanSwitch({ path: 'inverted', name: 'Icicle (root at the top)', defaultValue: DEFAULT_OPTIONS.inverted })
    .addNumberInput({
      path: 'maxNodes',
      name: 'Flame-graph nodes',
      description: 'At most this many frames; smaller ones merge into their parent',
      defaultValue: DEFAULT_OPTIONS.maxNodes,
      settings: { min: 100, max: 100000, integer: true },
    })
);
