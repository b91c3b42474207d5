// Tests under tests/ run in Node; a few opt into jsdom (a `@jest-environment jsdom` docblock) to load Grafana's
// browser packages. Those get the scaffold's jsdom setup (TextEncoder, matchMedia, canvas stubs) like src/ tests do.
if (typeof window !== 'undefined') {
  require('../.config/jest-setup.js');
}
