// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// findBy*/waitFor default to 1 s; lazy-loaded pages and Grafana's heavier components need longer when CI runs suites
// in parallel on two cores.
configure({ asyncUtilTimeout: 10_000 });
