/**
 * createDiscount: a basic code discount that only one customer can use, once. Shopify has no idempotency key for
 * discountCodeBasicCreate, so the code is fixed (given or generated) before sending and written ahead: after a
 * lost answer, a retry looks the code up (codeDiscountNodeByCode) before creating anything again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ActingContext, RequestContext } from '../context.js';
import { selectStore, type StoreHandle } from '../domain/stores.js';
import { BadInputError } from '../errors.js';
import { profileIdProblem } from '../domain/ids.js';
import type { ShopifyDiscount } from '../domain/actions.js';
import { discountsGateway } from '../shopify/discounts.js';
import type { ActionSpec, Outcome, UserError } from './idempotency.js';
import { toUserErrors } from './user-errors.js';
import type { DiscountRequest } from './validate.js';

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Generated codes: 12 base32 characters, 60 random bits — not guessable, easy to read out on the phone. */
export const GENERATED_CODE_LENGTH = 12;

/** A random, unguessable discount code. */
export function generateCode(): string {
  // 256 is a multiple of 32, so masking each byte keeps every character equally likely.
  return [...randomBytes(GENERATED_CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');
}

export interface DiscountModel {
  id: string;
  code: string;
  title: string;
  value: string;
  endsAt: string | null;
  usageLimit: number | null;
}

/** What discountCodeBasicCreate is sent (written ahead: its code and title identify it after a lost answer). */
export interface DiscountSent {
  customerId: string;
  discount: Record<string, unknown> & { code: string; title: string };
}

export interface DiscountOutcome extends Outcome {
  customerId: string;
  discount: DiscountModel | null;
}

const FIELDS: Record<string, string> = {
  code: 'code',
  endsAt: 'endsAt',
  usageLimit: 'usageLimit',
  minimumRequirement: 'minimumSubtotal',
  customerGets: 'percentage',
};

export const discountSpec: ActionSpec<DiscountRequest, DiscountSent, DiscountOutcome> = {
  action: 'createDiscount',
  async prepare(ctx, req) {
    const customerId = await resolveCustomer(ctx, req);
    const value = 'percentage' in req.value ? `${trimNumber(req.value.percentage)}%` : `${req.value.amount} off`;
    // The reference ties the discount to this request without naming the customer: a retry checks it to be sure
    // a discount found under the code is the one this key created.
    const reference = createHash('sha256').update(req.idempotencyKey).digest('hex').slice(0, 10);
    const discount = {
      title: `Support desk: ${value} (ref ${reference})`,
      code: req.code ?? generateCode(),
      startsAt: new Date().toISOString(),
      endsAt: req.endsAt,
      usageLimit: req.usageLimit,
      appliesOncePerCustomer: true,
      context: { customers: { add: [customerId] } },
      customerGets: {
        // Shopify takes a fraction (0.15 for 15 %); rounding drops float noise such as 0.33299999999999996.
        value:
          'percentage' in req.value
            ? { percentage: Number((req.value.percentage / 100).toFixed(6)) }
            : { discountAmount: { amount: req.value.amount, appliesOnEachItem: false } },
        items: { all: true },
      },
      minimumRequirement: req.minimumSubtotal ? { subtotal: { greaterThanOrEqualToSubtotal: req.minimumSubtotal } } : null,
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    };
    return { customerId, discount };
  },
  async send(ctx, sent) {
    // Sent once: a lost answer is settled by reconcile (the code looked up), never by resending.
    const result = await discountsGateway(ctx.acting.shopify).createBasicCode(sent.discount);
    const userErrors: UserError[] = result
      ? toUserErrors(result.userErrors, { ...FIELDS, context: 'customerId', customerSelection: 'customerId' })
      : [{ field: null, message: 'Shopify returned no result for discountCodeBasicCreate', code: 'INTERNAL_ERROR' }];
    const discount = result?.discount ? toDiscount(result.discount, sent.discount.code) : null;
    if (!discount && userErrors.length === 0)
      userErrors.push({ field: null, message: 'Shopify created no discount and gave no reason', code: 'INTERNAL_ERROR' });
    return { customerId: sent.customerId, discount: userErrors.length ? null : discount, userErrors };
  },
  async reconcile(ctx, _req, sent) {
    const { code, title } = sent.discount;
    const node = await discountsGateway(ctx.acting.shopify).byCode(code);
    if (!node?.basic || node.basic.title !== title) return null;
    return { customerId: sent.customerId, discount: toDiscount(node, code), userErrors: [] };
  },
};

/**
 * The store a discount is created in: the one named, or the only one served; otherwise, for a profile, the store of
 * its linked customer (the one store where it has a manual link). BAD_USER_INPUT naming `input.store` when that leaves
 * no single store.
 */
export async function discountStore(
  ctx: RequestContext,
  input: { store?: string | null; profileId?: string | null },
): Promise<StoreHandle> {
  const directory = ctx.deps.stores;
  const profileId = input.profileId;
  if (input.store != null || directory.stores.length === 1 || typeof profileId !== 'string' || profileIdProblem(profileId) !== null) {
    return selectStore(directory, input.store, 'input.store');
  }
  const id = profileId.trim();
  const linked = ((await ctx.deps.store.links.getManyAllStores([id])).get(id) ?? []).filter((l) => ctx.stores.has(l.store));
  if (linked.length === 1) return linked[0]!.store;
  const where = linked.length === 0 ? 'in none of them' : `in several of them (${linked.map((l) => l.store).join(', ')})`;
  throw new BadInputError('input.store', `several stores are served and this profile is linked by hand ${where}: name the store`);
}

async function resolveCustomer(ctx: ActingContext, req: DiscountRequest): Promise<string> {
  let customerId: string;
  let field: string;
  if ('customerId' in req.target) {
    customerId = req.target.customerId;
    field = 'input.customerId';
  } else {
    field = 'input.profileId';
    const link = (await ctx.deps.store.links.getMany(ctx.acting.handle, [req.target.profileId])).get(req.target.profileId);
    if (!link) {
      // A mutation gets no profile emails from the router, so an e-mail match cannot be made here.
      throw new BadInputError(
        field,
        'this profile has no manual link to a Shopify customer; link it with linkShopifyCustomer or pass customerId (profiles matched only by email cannot be resolved in a mutation)',
      );
    }
    customerId = link.customerId;
  }
  const customer = await discountsGateway(ctx.acting.shopify).checkCustomer(customerId);
  if (!customer.exists) throw new BadInputError(field, 'no Shopify customer has this id');
  checkDiscountCurrency(req, customer.shopCurrency);
  return customerId;
}

/** Shopify takes discount amounts in the shop's currency (it converts them per market): any other named currency is refused. */
function checkDiscountCurrency(req: DiscountRequest, shopCurrency: string): void {
  if (req.currencyCode === undefined || req.currencyCode === shopCurrency) return;
  throw new BadInputError(
    'input.currencyCode',
    `must be ${shopCurrency}, the shop's currency, in which Shopify applies discount amounts, got ${req.currencyCode}`,
  );
}

/** The discount as the payload shows it; `code` is the one sent, for when Shopify's answer lists none. */
function toDiscount(node: ShopifyDiscount, code: string): DiscountModel {
  const basic = node.basic;
  const v = basic?.value;
  const value =
    v && 'percentage' in v
      ? `${trimNumber(v.percentage * 100)}%`
      : v && 'amount' in v
        ? `${twoDecimals(v.amount.amount)} ${v.amount.currencyCode}`
        : '';
  return {
    id: node.id,
    code: basic?.code ?? code,
    title: basic?.title ?? '',
    value,
    endsAt: basic?.endsAt ?? null,
    usageLimit: basic?.usageLimit ?? null,
  };
}

/** 15 → "15", 12.5 → "12.5", 0.15 * 100 → "15" (float noise rounded away). */
function trimNumber(n: number): string {
  return String(Number(n.toFixed(4)));
}

function twoDecimals(amount: string): string {
  const [i, f = ''] = amount.split('.');
  return `${i}.${f.padEnd(2, '0')}`;
}
