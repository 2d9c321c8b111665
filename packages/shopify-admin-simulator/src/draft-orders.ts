/**
 * Draft orders: the record draftOrderCreate stores and the money it shows. Prices are kept per unit in the draft's
 * currency (the shop's); a line's own appliedDiscount lowers its unit price, and the order-level appliedDiscount is
 * spread over every unit (as Shopify allocates an order discount to the line items), so the draft's total is exactly
 * the total of the order it becomes:
 * - PERCENTAGE takes value % off every unit (rounded to the cent), so 100 % makes every unit, and the total, 0;
 * - FIXED_AMOUNT takes `value` (in the shop's currency, at most the subtotal) off in proportion to each unit's price;
 *   cents that cannot be split evenly over a line's units stay undiscounted, so the discount shown (amountSet) can be
 *   a few cents below `value` (Shopify's own rounding is not documented).
 */
import type { MailingAddressRec } from './addresses.js';
import type { AttributeRec, Currency } from './model.js';

export type DraftOrderStatus = 'OPEN' | 'INVOICE_SENT' | 'COMPLETED';

/** An appliedDiscount as given: `value` is a percentage (0–100) or an amount in the shop's currency. */
export interface AppliedDiscountRec {
  title: string | null;
  description: string;
  value: number;
  valueType: 'PERCENTAGE' | 'FIXED_AMOUNT';
}

export interface DraftLineRec {
  __typename: 'DraftOrderLineItem';
  id: number;
  uuid: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  /** the variant's price, the override, or the custom item's price */
  unitMinor: number;
  /** after the line's own appliedDiscount */
  lineUnitMinor: number;
  appliedDiscount: AppliedDiscountRec | null;
  imageUrl: string | null;
  productId: number | null;
  variantId: number | null;
  giftCard: boolean;
  requiresShipping: boolean;
  taxable: boolean;
  customAttributes: AttributeRec[];
}

export interface DraftOrderRec {
  __typename: 'DraftOrder';
  id: number;
  /** #D1, #D2, … per shop */
  name: string;
  status: DraftOrderStatus;
  currency: Currency;
  customerId: number | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  poNumber: string | null;
  customAttributes: AttributeRec[];
  shippingAddress: MailingAddressRec | null;
  shippingLine: { title: string; priceMinor: number } | null;
  appliedDiscount: AppliedDiscountRec | null;
  lineItems: DraftLineRec[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  orderId: number | null;
}

/** A unit price after a percentage off (rounded to the cent). */
export function percentOff(unitMinor: number, percent: number): number {
  return Math.max(0, Math.round((unitMinor * (100 - percent)) / 100));
}

/** A line's unit price after its own discount: a percentage off, or a fixed amount off each unit. */
export function discountedLineUnit(unitMinor: number, discount: AppliedDiscountRec | null): number {
  if (!discount) return unitMinor;
  if (discount.valueType === 'PERCENTAGE') return percentOff(unitMinor, discount.value);
  return Math.max(0, unitMinor - Math.round(discount.value * 100));
}

/** Each line's unit price once the order-level discount is spread over the units (see the file's comment). */
export function finalUnitPrices(draft: Pick<DraftOrderRec, 'lineItems' | 'appliedDiscount'>): number[] {
  const units = draft.lineItems.map((l) => l.lineUnitMinor);
  const discount = draft.appliedDiscount;
  if (!discount) return units;
  if (discount.valueType === 'PERCENTAGE') return units.map((u) => percentOff(u, discount.value));
  const subtotal = draft.lineItems.reduce((s, l) => s + l.lineUnitMinor * l.quantity, 0);
  const amount = Math.min(subtotal, Math.round(discount.value * 100));
  if (amount <= 0) return units;
  if (amount === subtotal) return units.map(() => 0);
  const off = units.map((u) => Math.floor((amount * u) / subtotal));
  let left = amount - off.reduce((s, o, i) => s + o * draft.lineItems[i]!.quantity, 0);
  draft.lineItems.forEach((l, i) => {
    if (left >= l.quantity && units[i]! - off[i]! > 0) {
      off[i]! += 1;
      left -= l.quantity;
    }
  });
  return units.map((u, i) => u - off[i]!);
}

export interface DraftTotals {
  /** before any discount */
  lineItemsTotal: number;
  /** after the lines' own discounts */
  lineItemsSubtotal: number;
  /** what the order-level discount took */
  orderDiscount: number;
  /** after every discount, before shipping */
  subtotal: number;
  shipping: number;
  total: number;
  /** line and order discounts together */
  discounts: number;
  quantity: number;
}

/** Every money figure of a draft, in its currency's minor units. */
export function draftTotals(draft: DraftOrderRec): DraftTotals {
  const final = finalUnitPrices(draft);
  let lineItemsTotal = 0;
  let lineItemsSubtotal = 0;
  let subtotal = 0;
  let quantity = 0;
  draft.lineItems.forEach((l, i) => {
    lineItemsTotal += l.unitMinor * l.quantity;
    lineItemsSubtotal += l.lineUnitMinor * l.quantity;
    subtotal += final[i]! * l.quantity;
    quantity += l.quantity;
  });
  const shipping = draft.shippingLine?.priceMinor ?? 0;
  return {
    lineItemsTotal,
    lineItemsSubtotal,
    orderDiscount: lineItemsSubtotal - subtotal,
    subtotal,
    shipping,
    total: subtotal + shipping,
    discounts: lineItemsTotal - subtotal,
    quantity,
  };
}
