/**
 * A short overload run (bench/load.ts runs the 60 s one): a small bucket, agents opening cards at 3× the rate the
 * bucket could serve uncached. No THROTTLED (or any error) reaches a client, every card is the simulator's data, and
 * Shopify never had to refuse a query for lack of points.
 */
import { expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';

it('3× the sustainable load for 8 s: every answer correct, none throttled, the bucket never exceeded', async () => {
  const report = await runLoad({ durationS: 8, overload: 3, pool: 5, maximumAvailable: 250, restoreRate: 60, calibration: 1 });
  process.stdout.write(`short load run: ${JSON.stringify(report)}\n`);
  expect(report.offeredPerS).toBeCloseTo(3 * report.sustainablePerS, 1);
  expect(report.clientErrors).toEqual({});
  expect(report.wrong).toBe(0);
  expect(report.served).toBe(report.sent);
  expect(report.sent).toBeGreaterThanOrEqual(Math.floor(8 * report.offeredPerS) - 1);
  expect(report.shopify.throttled).toBeLessThanOrEqual(1);
}, 60_000);
