/**
 * A store's requested costs as Shopify really charges them, learned from the `requestedQueryCost` of its answers.
 *
 * Why: the linear model (./document-cost.ts, Shopify's published rules) is an estimate, and a store may charge less
 * (a live store charged 25 for `variants(first: 250)`, the model says 503: we pack fewer profiles per request and
 * wait for points we don't need) or more (we send early and get THROTTLED, or over 1000 and get MAX_COST_EXCEEDED).
 *
 * The rule, per document:
 * 1. A cost shape (./document-cost.ts `costShape`: list lengths and booleans) Shopify has priced: its last reported
 *    requested cost. Same document, same shape: Shopify's price is the truth.
 * 2. Any other shape: the linear cost × the highest rate among the document's last {@link RATE_WINDOW} answers, where
 *    an answer's rate is reported ÷ linear, taken as its upper bound (reported + 1) ÷ linear unless the two agree (a
 *    whole number of points charged for a fractional rate is off by less than one point, whichever way it was
 *    rounded, so small shapes never teach an under-estimate of large ones). The highest, not the latest: a rise is
 *    believed at once, a fall after a few answers.
 * 3. A document no answer has priced yet: the linear cost.
 *
 * The 1000-point limit: the packer keeps every request's estimate at or under 1000. If a store charges an unseen
 * shape more than its rate says (charges that are not proportional to the linear model), Shopify refuses the request
 * with MAX_COST_EXCEEDED; that answer still reports the requested cost, which the client feeds back here, so the shape
 * is then known exactly (over 1000: the packer will split it) and the rate rises. The refusal reaches the caller as
 * ShopifyUnavailableError with `extensions.shopifyCode === 'MAX_COST_EXCEEDED'`; the profile cards (customers.ts
 * `fetchCards`) pack such a group again, once, with the corrected estimate.
 *
 * Cheap by construction: one `costShape` string per call, which is also the linear model's memo key, and two Map
 * lookups; an exact hit skips the linear model entirely. Memory is bounded per document and in documents.
 */
import { costShape, linearCost } from './document-cost.js';

/** Shapes whose reported cost is remembered per document; a large batch packs into a few dozen. */
export const MAX_LEARNED_SHAPES = 64;
/** Answers whose rates an unseen shape's estimate takes the highest of: how many answers a fall in price takes. */
export const RATE_WINDOW = 4;
/** Documents learned per store (ours are about a dozen); beyond it the least recently learned is forgotten. */
const MAX_DOCUMENTS = 128;
/** Documents the linear model cannot price (not ours), remembered so an answer to one is not parsed again. */
const MAX_UNPRICED = 64;

interface Learned {
  /** requested cost reported per shape, least recently reported first */
  exact: Map<string, number>;
  /** upper bounds of reported ÷ linear of the last answers, a ring of RATE_WINDOW */
  rates: number[];
  next: number;
  /** the highest of `rates` */
  rate: number;
}

/** One store's estimate of what Shopify will charge (requested cost) for a document with given variables. */
export class CostEstimator {
  private readonly learned = new Map<string, Learned>();
  private readonly unpriced = new Set<string>();

  /** The requested cost to wait for: what Shopify charged this shape, else the linear cost at the learned rate. */
  estimate(document: string, variables: Record<string, unknown>): number {
    const shape = costShape(variables);
    const learned = this.learned.get(document);
    if (learned) {
      const exact = learned.exact.get(shape);
      if (exact !== undefined) return exact;
    }
    const linear = linearCost(document, shape, variables);
    return learned ? atRate(linear, learned.rate) : linear;
  }

  /** Learns from one answer's `extensions.cost.requestedQueryCost` (THROTTLED and MAX_COST_EXCEEDED answers too). */
  observe(document: string, variables: Record<string, unknown>, requested: number): void {
    if (!Number.isFinite(requested) || requested < 0 || this.unpriced.has(document)) return;
    const shape = costShape(variables);
    let linear: number;
    try {
      linear = linearCost(document, shape, variables);
    } catch {
      // Not one of our documents (the cost schema lacks its fields): nothing to correct, and nobody asks its estimate.
      if (this.unpriced.size >= MAX_UNPRICED) this.unpriced.clear();
      this.unpriced.add(document);
      return;
    }
    const learned = this.learnedFor(document);
    learned.exact.delete(shape);
    learned.exact.set(shape, requested);
    if (learned.exact.size > MAX_LEARNED_SHAPES) learned.exact.delete(learned.exact.keys().next().value!);
    if (linear > 0) {
      learned.rates[learned.next] = requested === linear ? 1 : (requested + 1) / linear;
      learned.next = (learned.next + 1) % RATE_WINDOW;
      learned.rate = Math.max(...learned.rates);
    }
  }

  /** How many shapes of `document` have a reported cost remembered (for tests and diagnostics). */
  shapesKnown(document: string): number {
    return this.learned.get(document)?.exact.size ?? 0;
  }

  private learnedFor(document: string): Learned {
    let learned = this.learned.get(document);
    if (learned) {
      // Most recently learned last, so the bound forgets documents no longer sent.
      this.learned.delete(document);
    } else {
      if (this.learned.size >= MAX_DOCUMENTS) this.learned.delete(this.learned.keys().next().value!);
      // Until an answer with a linear cost arrives the rate is the linear model's own.
      learned = { exact: new Map(), rates: [], next: 0, rate: 1 };
    }
    this.learned.set(document, learned);
    return learned;
  }
}

/** The linear cost at a learned rate, in whole points; never 0 for a document that costs something. */
function atRate(linear: number, rate: number): number {
  if (linear === 0) return 0;
  // The epsilon keeps a rate of exactly 0.25 × 1000 at 250, not 251, despite floating point.
  return Math.max(1, Math.ceil(linear * rate - 1e-9));
}
