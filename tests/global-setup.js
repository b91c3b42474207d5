// Builds lib/ (CLI + parse worker) once before the Node tests: the sidecar's worker threads and the CLI tests run
// the bundled JavaScript, so they always test the current sources. esbuild takes well under a second.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  execFileSync('npm', ['run', '--silent', 'build:cli'], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};
