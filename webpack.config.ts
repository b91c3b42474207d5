// Extends the scaffold's webpack config (never edit .config/): the nested data-source and panel plugins each need
// their own logo next to their plugin.json, which the scaffold copies only for the root plugin.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return merge(baseConfig, {
    plugins: [
      new CopyWebpackPlugin({
        patterns: [{ from: '*/img/**/*', to: '.', noErrorOnMissing: true }],
      }),
    ],
  });
};

export default config;
