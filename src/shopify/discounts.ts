/**
 * The discount action's door to Shopify: checks the customer, creates a basic code discount, finds one by its code.
 * Sends ./action-operations.ts and answers in ../domain/ shapes; what the discount is and how it reads to the agent
 * stay in ../actions/discount.ts.
 */
import type { CustomerCheck, DiscountCreated, ShopifyDiscount } from '../domain/actions.js';
import type { ActionDiscountCreateMutationVariables, ActionDiscountFragment } from './__generated__/admin.js';
import { ACTION_CUSTOMER, ACTION_DISCOUNT_BY_CODE, ACTION_DISCOUNT_CREATE } from './action-operations.js';
import type { ShopifyClient } from './client.js';
import { request } from './typed-request.js';

/** Shopify's discount operations the createDiscount action uses. */
export interface DiscountsGateway {
  /** Whether this customer exists, and the shop's currency. */
  checkCustomer(id: string): Promise<CustomerCheck>;
  /** Sends discountCodeBasicCreate, once (Shopify has no idempotency key for it); null when it returned no result. */
  createBasicCode(discount: Record<string, unknown>): Promise<DiscountCreated | null>;
  /** The code discount with this code, or null. */
  byCode(code: string): Promise<ShopifyDiscount | null>;
}

/** The discounts gateway over this store's client. */
export function discountsGateway(shopify: ShopifyClient): DiscountsGateway {
  return {
    async checkCustomer(id) {
      const { data } = await request(shopify, ACTION_CUSTOMER, { id });
      return { exists: Boolean(data.customer), shopCurrency: data.shop.currencyCode };
    },

    async createBasicCode(discount) {
      // ../actions/discount.ts builds Shopify's DiscountCodeBasicInput (only the fields it sets): taken as that input here.
      const variables = { discount } as ActionDiscountCreateMutationVariables;
      const { data } = await request(shopify, ACTION_DISCOUNT_CREATE, variables, { mutation: { replaySafe: false } });
      const result = data.discountCodeBasicCreate;
      if (!result) return null;
      return { discount: result.codeDiscountNode ? toShopifyDiscount(result.codeDiscountNode) : null, userErrors: result.userErrors };
    },

    async byCode(code) {
      const { data } = await request(shopify, ACTION_DISCOUNT_BY_CODE, { code });
      return data.codeDiscountNodeByCode ? toShopifyDiscount(data.codeDiscountNodeByCode) : null;
    },
  };
}

function toShopifyDiscount(node: ActionDiscountFragment): ShopifyDiscount {
  // Only DiscountCodeBasic is selected: any other kind arrives as an empty object.
  const basic = 'title' in node.codeDiscount ? node.codeDiscount : null;
  if (!basic) return { id: node.id, basic: null };
  const v = basic.customerGets.value;
  return {
    id: node.id,
    basic: {
      title: basic.title,
      endsAt: basic.endsAt,
      usageLimit: basic.usageLimit,
      code: basic.codes.nodes[0]?.code ?? null,
      value:
        'percentage' in v
          ? { percentage: v.percentage }
          : 'amount' in v
            ? { amount: { amount: v.amount.amount, currencyCode: v.amount.currencyCode } }
            : null,
    },
  };
}
