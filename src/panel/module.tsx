import { PanelPlugin } from '@grafana/data';
import { FlameScopePanel } from './FlameScopePanel';
import { DEFAULT_OPTIONS, FlameScopeOptions, OPTION_TEXTS } from './options';

export const plugin = new PanelPlugin<FlameScopeOptions>(FlameScopePanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'palette',
      name: OPTION_TEXTS.palette.name,
      description: OPTION_TEXTS.palette.description,
      defaultValue: DEFAULT_OPTIONS.palette,
      settings: {
        options: [
          { value: 'flamescope', label: 'FlameScope' },
          { value: 'enhanced', label: 'Enhanced' },
          { value: 'scheme', label: 'Scheme' },
        ],
      },
    })
    .addRadio({
      path: 'colorScale',
      name: OPTION_TEXTS.colorScale.name,
      description: OPTION_TEXTS.colorScale.description,
      defaultValue: DEFAULT_OPTIONS.colorScale,
      settings: { options: OPTION_TEXTS.colorScale.options.map((o) => ({ ...o })) },
    })
    .addSliderInput({
      path: 'split',
      name: OPTION_TEXTS.split.name,
      defaultValue: DEFAULT_OPTIONS.split,
      settings: { min: OPTION_TEXTS.split.min, max: OPTION_TEXTS.split.max, step: OPTION_TEXTS.split.step },
    })
    .addBooleanSwitch({ path: 'inverted', name: OPTION_TEXTS.inverted.name, defaultValue: DEFAULT_OPTIONS.inverted })
    .addNumberInput({
      path: 'maxNodes',
      name: OPTION_TEXTS.maxNodes.name,
      description: OPTION_TEXTS.maxNodes.description,
      defaultValue: DEFAULT_OPTIONS.maxNodes,
      settings: { min: OPTION_TEXTS.maxNodes.min, max: OPTION_TEXTS.maxNodes.max, integer: true },
    })
);
