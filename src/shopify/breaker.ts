/**
 * Circuit breaker in front of Shopify. When attempts keep failing (network errors, timeouts, 5xx, unreadable
 * answers), every request would spend its whole wait budget retrying and agents would stare at spinners; instead
 * the circuit opens and calls fail at once with SHOPIFY_UNAVAILABLE. After a pause one probe is let through: its
 * success closes the circuit, its failure opens it for another pause.
 *
 * Only attempts that say something about Shopify's health count: THROTTLED and 429 are Shopify answering (a
 * budget matter), a refused token is configuration, so neither opens the circuit.
 */
import { ShopifyUnavailableError } from '../errors.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** consecutive failed attempts that open the circuit */
  threshold: number;
  /** how long it stays open before one probe goes through */
  cooldownMs: number;
  now?: () => number;
  /** called on every state change (metrics, logs) */
  onChange?: (state: BreakerState) => void;
}

/** Counts consecutive failures; opens, then lets one probe through after the cooldown. */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The state right now (an open circuit past its cooldown reads as half-open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.opts.cooldownMs) return 'half_open';
    return this.current;
  }

  /** Milliseconds until the next probe may go (0 when not open). */
  retryInMs(): number {
    return this.current === 'open' ? Math.max(0, this.opts.cooldownMs - (this.now() - this.openedAt)) : 0;
  }

  /**
   * Asks to send one attempt: resolves quietly when allowed, throws SHOPIFY_UNAVAILABLE when the circuit is open
   * (or half-open with its probe already out). Every allowed attempt must be followed by success() or failure()
   * or neutral().
   */
  admit(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half_open' && !this.probing) {
      this.probing = true;
      this.set('half_open');
      return;
    }
    throw new ShopifyUnavailableError(
      `too many recent failures; not calling Shopify for ${Math.ceil(Math.max(this.retryInMs(), 1) / 1000)} s`,
      { breaker: 'open' },
    );
  }

  /** The attempt got a usable answer from Shopify. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.set('closed');
  }

  /** The attempt failed in a way that says Shopify (or the way to it) is unhealthy. */
  failure(): void {
    this.failures++;
    if (this.current === 'half_open' || (this.current === 'closed' && this.failures >= this.opts.threshold)) {
      this.probing = false;
      this.openedAt = this.now();
      this.set('open');
    }
  }

  /** The attempt said nothing about Shopify's health (throttled, refused token): frees a probe slot. */
  neutral(): void {
    if (this.current === 'half_open') this.probing = false;
  }

  private set(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.opts.onChange?.(state);
  }
}
