// Writes model/contract/metrics.json from the metrics contract (src/config/metrics.ts), so the Python
// predictor reads the same names. Run after changing the contract:
//   npx ts-node --transpile-only model/scripts/write-metrics-contract.ts
// test/config/metrics-contract-json.test.ts fails while the committed file differs.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { metricsContractJson } from '../../src/config/metrics';

const target = join(__dirname, '..', 'contract', 'metrics.json');
writeFileSync(target, metricsContractJson());
console.log(`wrote ${target}`);
