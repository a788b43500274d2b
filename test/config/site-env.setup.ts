import { join } from 'node:path';

// Every test reads the site fixture (a copy of the shipped site.yaml), not the checkout's site.yaml:
// a fork that edits site.yaml keeps a green suite. test/config/site.test.ts checks site.yaml itself.
process.env.MLOPS_SITE_FILE ??= join(__dirname, 'site.fixture.yaml');
