/**
 * draftOrderCreate: DraftOrderInput read and checked, then stored as an OPEN draft. What is checked, each a user error
 * on the input's path (e.g. ["lineItems","0","variantId"]); the wording is the simulator's, not confirmed:
 * - at least one line item; each with quantity ≥ 1; a `variantId` the shop sells (the catalogue, catalog.ts), or a
 *   custom item with a `title` and a price (`originalUnitPriceWithCurrency`, or the deprecated `originalUnitPrice`)
 *   in the draft's currency and not negative;
 * - an appliedDiscount (order or line) of PERCENTAGE 0–100 or a FIXED_AMOUNT ≥ 0, as DraftOrderAppliedDiscountInput
 *   documents `value`;
 * - `purchasingEntity.customerId` (or the deprecated `customerId`) names a customer of the shop; B2B companies are
 *   not simulated; the email defaults to the customer's;
 * - the shipping address (province against country, addresses.ts), tags (tags.ts), email and phone;
 * - the draft is in the shop's currency (`presentmentCurrencyCode` may only name it).
 */
import { randomUUID } from 'node:crypto';
import { readAddressInput } from './addresses.js';
import { catalogVariant } from './catalog.js';
import type { AppliedDiscountRec, DraftLineRec, DraftOrderRec } from './draft-orders.js';
import { discountedLineUnit } from './draft-orders.js';
import { isoTime, parseGid, parseMoney, type Currency } from './model.js';
import { contactProblems } from './order-edits.js';
import type { FieldError } from './refunds.js';
import type { Store } from './store.js';
import { splitTags, TAG_RULES, tagProblems } from './tags.js';

type Input = Record<string, any>;

/** An appliedDiscount input, or the errors under `at`. */
function readDiscount(input: Input | null | undefined, at: string[]): { discount: AppliedDiscountRec | null; errors: FieldError[] } {
  if (!input) return { discount: null, errors: [] };
  const value = Number(input.value);
  const percentage = input.valueType === 'PERCENTAGE';
  if (percentage && !(value >= 0 && value <= 100))
    return { discount: null, errors: [{ field: [...at, 'value'], message: 'Value must be between 0 and 100' }] };
  if (!percentage && !(value >= 0))
    return { discount: null, errors: [{ field: [...at, 'value'], message: 'Value must be greater than or equal to 0' }] };
  const title = typeof input.title === 'string' && input.title.trim() ? input.title.trim() : null;
  const description = typeof input.description === 'string' ? input.description : '';
  return { discount: { title, description, value, valueType: percentage ? 'PERCENTAGE' : 'FIXED_AMOUNT' }, errors: [] };
}

/** A MoneyInput (or a deprecated Money) in minor units, or an error when it is missing, negative or in another currency. */
function readPrice(
  money: Input | null | undefined,
  legacy: unknown,
  currency: Currency,
  at: string[],
): { minor?: number; error?: FieldError } {
  if (money) {
    const minor = parseMoney(money.amount);
    if (money.currencyCode !== currency) return { error: { field: [...at, 'currencyCode'], message: `Currency must be ${currency}` } };
    if (minor == null || minor < 0) return { error: { field: [...at, 'amount'], message: 'Amount must be greater than or equal to 0' } };
    return { minor };
  }
  if (legacy == null) return {};
  const minor = parseMoney(legacy);
  return minor == null || minor < 0 ? { error: { field: at, message: 'Amount must be greater than or equal to 0' } } : { minor };
}

/** One line item input as a draft line, or its errors (under ["lineItems", i]). */
function readLine(store: Store, input: Input, i: number, currency: Currency): { line?: DraftLineRec; errors: FieldError[] } {
  const at = ['lineItems', String(i)];
  const errors: FieldError[] = [];
  if (!(Number.isInteger(input.quantity) && input.quantity >= 1))
    errors.push({ field: [...at, 'quantity'], message: 'Quantity must be greater than or equal to 1' });
  const { discount, errors: discountErrors } = readDiscount(input.appliedDiscount, [...at, 'appliedDiscount']);
  errors.push(...discountErrors);
  const override = readPrice(input.priceOverride, null, currency, [...at, 'priceOverride']);
  if (override.error) errors.push(override.error);
  let base: Omit<DraftLineRec, '__typename' | 'id' | 'uuid' | 'quantity' | 'lineUnitMinor' | 'appliedDiscount' | 'customAttributes'>;
  if (input.variantId != null) {
    const variant = catalogVariant(store, parseGid(input.variantId, 'ProductVariant') ?? -1, currency);
    if (!variant) return { errors: [...errors, { field: [...at, 'variantId'], message: 'Product variant does not exist' }] };
    base = { ...variant, unitMinor: override.minor ?? variant.unitMinor, requiresShipping: !variant.giftCard, taxable: true };
  } else {
    const title = typeof input.title === 'string' ? input.title.trim() : '';
    if (!title) errors.push({ field: [...at, 'title'], message: "Title can't be blank" });
    const price = readPrice(input.originalUnitPriceWithCurrency, input.originalUnitPrice, currency, [
      ...at,
      'originalUnitPriceWithCurrency',
    ]);
    if (price.error) errors.push(price.error);
    else if (price.minor == null && override.minor == null)
      errors.push({ field: [...at, 'originalUnitPriceWithCurrency'], message: "Original unit price can't be blank" });
    base = {
      title,
      variantTitle: null,
      sku: typeof input.sku === 'string' && input.sku.trim() ? input.sku.trim() : null,
      vendor: null,
      unitMinor: override.minor ?? price.minor ?? 0,
      imageUrl: null,
      productId: null,
      variantId: null,
      giftCard: false,
      requiresShipping: input.requiresShipping ?? true,
      taxable: input.taxable ?? true,
    };
  }
  if (errors.length) return { errors };
  const line: DraftLineRec = {
    __typename: 'DraftOrderLineItem',
    id: store.nextId('draftLineItem'),
    uuid: typeof input.uuid === 'string' && input.uuid ? input.uuid : randomUUID(),
    ...base,
    quantity: input.quantity,
    lineUnitMinor: discountedLineUnit(base.unitMinor, discount),
    appliedDiscount: discount,
    customAttributes: ((input.customAttributes as Input[] | null) ?? []).map((a) => ({ key: String(a.key), value: String(a.value) })),
  };
  return { line, errors: [] };
}

/** The customer a draft is for (purchasingEntity, or the deprecated customerId), or the error. */
function readCustomer(store: Store, input: Input): { customerId: number | null; error?: FieldError } {
  const entity = input.purchasingEntity as Input | null | undefined;
  if (entity?.purchasingCompany)
    return { customerId: null, error: { field: ['purchasingEntity', 'purchasingCompany'], message: 'B2B companies are not simulated' } };
  const raw = entity?.customerId ?? input.customerId;
  if (raw == null) return { customerId: null };
  const field = entity?.customerId != null ? ['purchasingEntity', 'customerId'] : ['customerId'];
  const id = parseGid(raw, 'Customer');
  if (id == null || !store.customers.has(id)) return { customerId: null, error: { field, message: 'Customer does not exist' } };
  return { customerId: id };
}

/** Everything of the input but the line items, or its errors. */
function readHeader(store: Store, input: Input, currency: Currency) {
  const errors: FieldError[] = [];
  if (input.presentmentCurrencyCode != null && input.presentmentCurrencyCode !== currency)
    errors.push({ field: ['presentmentCurrencyCode'], message: `Presentment currency must be the shop's currency (${currency})` });
  const customer = readCustomer(store, input);
  if (customer.error) errors.push(customer.error);
  errors.push(...contactProblems(input));
  const tags = splitTags((input.tags as string[] | null) ?? []);
  errors.push(...tagProblems(tags, TAG_RULES.DraftOrder, ['tags']));
  const address = input.shippingAddress ? readAddressInput(input.shippingAddress, ['shippingAddress']) : undefined;
  if (address) errors.push(...address.errors);
  const discount = readDiscount(input.appliedDiscount, ['appliedDiscount']);
  errors.push(...discount.errors);
  const shipping = input.shippingLine as Input | null | undefined;
  const shippingPrice = shipping
    ? readPrice(shipping.priceWithCurrency, shipping.price, currency, ['shippingLine', 'priceWithCurrency'])
    : {};
  if (shippingPrice.error) errors.push(shippingPrice.error);
  return { errors, customerId: customer.customerId, tags, address: address?.address, discount: discount.discount, shipping, shippingPrice };
}

/** draftOrderCreate: the stored OPEN draft, or the user errors (and then nothing is stored). */
export function createDraftOrder(store: Store, input: Input): { draft: DraftOrderRec | null; errors: FieldError[] } {
  const currency = store.shopCurrency;
  const header = readHeader(store, input, currency);
  const errors = [...header.errors];
  const inputs = (input.lineItems as Input[] | null) ?? [];
  if (inputs.length === 0) errors.push({ field: ['lineItems'], message: 'Add at least 1 line item' });
  const lines = inputs.map((l, i) => readLine(store, l, i, currency));
  for (const l of lines) errors.push(...l.errors);
  if (errors.length) return { draft: null, errors };

  const now = isoTime(Date.now());
  const id = store.nextId('draftOrder');
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  const draft: DraftOrderRec = {
    __typename: 'DraftOrder',
    id,
    name: `#D${id - store.firstId('draftOrder') + 1}`,
    status: 'OPEN',
    currency,
    customerId: header.customerId,
    email: text(input.email)?.trim() ?? (header.customerId != null ? (store.customers.get(header.customerId)?.email ?? null) : null),
    phone: text(input.phone)?.trim() ?? null,
    note: text(input.note),
    tags: header.tags,
    poNumber: text(input.poNumber),
    customAttributes: ((input.customAttributes as Input[] | null) ?? []).map((a) => ({ key: String(a.key), value: String(a.value) })),
    shippingAddress: header.address ? { id: store.nextId('mailingAddress'), ...header.address } : null,
    shippingLine: header.shipping
      ? { title: text(header.shipping.title) ?? 'Shipping', priceMinor: header.shippingPrice.minor ?? 0 }
      : null,
    appliedDiscount: header.discount,
    lineItems: lines.map((l) => l.line!),
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    orderId: null,
  };
  store.draftOrders.set(id, draft);
  store.emit('draft_orders/create', id);
  return { draft, errors: [] };
}
