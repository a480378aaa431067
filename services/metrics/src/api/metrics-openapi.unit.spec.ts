import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { metricsOpenApiDocument } from './metrics-openapi.js';

const COMMITTED = fileURLToPath(new URL('../../../../docs/openapi/metrics.json', import.meta.url));

const document = metricsOpenApiDocument() as {
  paths: Record<string, Record<string, { operationId: string }>>;
  components: { schemas: Record<string, unknown> };
};

describe('the metrics OpenAPI document', () => {
  it('is the committed docs/openapi/metrics.json (run `pnpm openapi` after changing the API)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(`${JSON.stringify(document, null, 2)}\n`);
  });

  it('gives every operation an operationId of its own, and names the reports', () => {
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['getOverviewReport', 'putSlaPolicy', 'replayDeadLetter']));
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['OverviewReport', 'DailySummary', 'SlaPolicyRequest', 'Error']),
    );
  });
});
