/**
 * Faults a test can arm: added latency (fixed + jitter) on every request, and one-shot failures for the next N
 * requests: an HTTP error status (429 with Retry-After, 500, 502, 503), a reset connection, a hang (no answer until
 * the simulator is reset or closed), or a malformed body.
 */
import { z } from 'zod';

export type FaultKind = 'fail' | 'reset' | 'hang' | 'malformed';

const count = z.union([z.boolean(), z.number().int().min(0)]).transform((v) => (v === true ? 1 : v === false ? 0 : v));

/** POST /__simulator/faults body; every field optional, `{}` clears everything. */
export const faultsSchema = z
  .object({
    latencyMs: z.number().min(0).optional(),
    jitterMs: z.number().min(0).optional(),
    failNext: z
      .object({
        count: z.number().int().min(0).default(1),
        status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
        retryAfter: z.number().min(0).optional(),
      })
      .optional(),
    resetNext: count.optional(),
    hangNext: count.optional(),
    malformedNext: count.optional(),
  })
  .strict();

export type FaultsInput = z.input<typeof faultsSchema>;

export interface FaultState {
  latencyMs: number;
  jitterMs: number;
  fail: { count: number; status: number; retryAfter?: number };
  reset: number;
  hang: number;
  malformed: number;
}

export type FaultAction =
  { kind: 'none' } | { kind: 'fail'; status: number; retryAfter?: number } | { kind: 'reset' } | { kind: 'hang' } | { kind: 'malformed' };

export class Faults {
  private state: FaultState = Faults.empty();

  static empty(): FaultState {
    return { latencyMs: 0, jitterMs: 0, fail: { count: 0, status: 503 }, reset: 0, hang: 0, malformed: 0 };
  }

  /** Replaces the armed faults with `input` (validated); `{}` clears them. */
  set(input: unknown): FaultState {
    const f = faultsSchema.parse(input ?? {});
    this.state = {
      latencyMs: f.latencyMs ?? 0,
      jitterMs: f.jitterMs ?? 0,
      fail: f.failNext
        ? { count: f.failNext.count, status: f.failNext.status, retryAfter: f.failNext.retryAfter }
        : { count: 0, status: 503 },
      reset: f.resetNext ?? 0,
      hang: f.hangNext ?? 0,
      malformed: f.malformedNext ?? 0,
    };
    return this.snapshot();
  }

  clear(): void {
    this.state = Faults.empty();
  }

  snapshot(): FaultState {
    return { ...this.state, fail: { ...this.state.fail } };
  }

  /** Added latency for this request: fixed part plus a uniform jitter. */
  delayMs(): number {
    return this.state.latencyMs + (this.state.jitterMs ? Math.random() * this.state.jitterMs : 0);
  }

  /** Consumes the next one-shot fault, in a fixed order: fail, reset, hang, malformed. */
  next(): FaultAction {
    const s = this.state;
    if (s.fail.count > 0) {
      s.fail.count--;
      return { kind: 'fail', status: s.fail.status, retryAfter: s.fail.retryAfter };
    }
    if (s.reset > 0) {
      s.reset--;
      return { kind: 'reset' };
    }
    if (s.hang > 0) {
      s.hang--;
      return { kind: 'hang' };
    }
    if (s.malformed > 0) {
      s.malformed--;
      return { kind: 'malformed' };
    }
    return { kind: 'none' };
  }
}
