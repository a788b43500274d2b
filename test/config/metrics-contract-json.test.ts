import { readFileSync } from 'fs';
import { join } from 'path';
import { metrics, metricsContractJson } from '../../src/config/metrics';

// The Python predictor reads its metric names from model/contract/metrics.json; it must be the
// contract exactly. Regenerate with: npx ts-node --transpile-only model/scripts/write-metrics-contract.ts
const committedPath = join(__dirname, '..', '..', 'model', 'contract', 'metrics.json');

describe('model/contract/metrics.json', () => {
  const committed = readFileSync(committedPath, 'utf8');

  test('equals metricsContractJson() byte for byte', () => {
    expect(committed).toEqual(metricsContractJson());
  });

  test('declares the predictor counters the Python model exports', () => {
    const parsed = JSON.parse(committed) as { metrics: Array<{ name: string; source: string; type: string }> };
    const predictor = parsed.metrics.filter((m) => m.source === 'predictor');
    expect(predictor.map((m) => m.name).sort()).toEqual(
      Object.values(metrics).filter((m) => m.source === 'predictor').map((m) => m.name).sort(),
    );
    expect(predictor.every((m) => m.type === 'counter')).toBe(true);
    expect(parsed.metrics.find((m) => m.name === 'request_predict_seconds')).toMatchObject({ source: 'kserve', type: 'histogram' });
  });
});
