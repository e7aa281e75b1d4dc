import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../src/gke/iam/iam-condition.js';

const NOW = new Date('2024-01-15T00:00:00Z');

// Expressions in the forms of Google's IAM conditions docs (date/time attributes, resource attributes).
describe('evaluateCondition: what an IAM condition decides offline', () => {
  it.each([
    ['request.time < timestamp("2023-06-01T00:00:00Z")', { verdict: 'expired', since: '2023-06-01T00:00:00.000Z' }],
    ['request.time < timestamp("2025-01-01T00:00:00Z")', { verdict: 'until', until: '2025-01-01T00:00:00.000Z' }],
    ['request.time > timestamp("2023-01-01T00:00:00Z")', { verdict: 'holds' }],
    ['timestamp("2023-01-01T00:00:00Z") <= request.time', { verdict: 'holds' }],
    ['request.time >= timestamp("2024-02-01T00:00:00Z")', { verdict: 'from', from: '2024-02-01T00:00:00.000Z' }],
    ['!(request.time < timestamp("2023-06-01T00:00:00Z"))', { verdict: 'holds' }],
    ['request.time > timestamp("2023-01-01T00:00:00Z") && request.time < timestamp("2023-12-31T00:00:00Z")', { verdict: 'expired', since: '2023-12-31T00:00:00.000Z' }],
    ['request.time < timestamp("2023-01-01T00:00:00Z") || request.time > timestamp("2023-06-01T00:00:00Z")', { verdict: 'holds' }],
    ['request.time < timestamp("2023-01-01T00:00:00Z") && resource.name.startsWith("projects/_/buckets/logs")', { verdict: 'expired', since: '2023-01-01T00:00:00.000Z' }],
    ['request.time > timestamp("2023-01-01T00:00:00Z") || resource.type == "storage.googleapis.com/Bucket"', { verdict: 'holds' }],
  ])('%s', (expression, expected) => expect(evaluateCondition(expression, NOW)).toEqual(expected));

  it.each([
    'resource.name.startsWith("projects/_/buckets/logs")',
    'resource.type == "pubsub.googleapis.com/Subscription" && request.time > timestamp("2023-01-01T00:00:00Z")',
    "resource.matchTag('123456789012/env', 'prod')",
    'request.time.getHours("Europe/Berlin") >= 9',
    'request.time <',
  ])('%s depends on what is known only at request time (or cannot be read)', (expression) => {
    expect(evaluateCondition(expression, NOW).verdict).toBe('depends');
  });
});
