// What response stream headers show, support/verdict/stream-header.ts (RFC 3920 4.4, 4.4.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterPattern, estimatedBits, versionReading } from '../../support/verdict/stream-header.ts';

test('stream ids: a counter is caught, random ids are not', () => {
  assert.ok(counterPattern(['conf-1', 'conf-2', 'conf-3', 'conf-4']));
  assert.ok(counterPattern(['17000000001', '17000000005', '17000000009']));
  assert.equal(counterPattern(['5e0a19c3-4590-4447', '2cc8d076-a12e-41f7', '21685bad-bad7-448a']), undefined);
  assert.equal(counterPattern(['a', 'b']), undefined);
});

test('stream ids: estimated bits', () => {
  assert.equal(estimatedBits(['1a2b', 'f00d', '3c4e']), 16);
  assert.ok(estimatedBits(['5e0a19c3-4590-4447-8601-4620099de36a', '2cc8d076-a12e-41f7-95b5-6b99ab1f5a52']) > 100);
});

test('4.4.1-1: only an echoed version shows how the minor number was read', () => {
  assert.equal(versionReading('0.10', '0.10').reading, 'integer');
  assert.equal(versionReading('0.10', '0.1').reading, 'decimal');
  assert.equal(versionReading('0.10', '1.0').reading, 'cannot-tell');
  assert.equal(versionReading('0.10', undefined).reading, 'cannot-tell');
});
