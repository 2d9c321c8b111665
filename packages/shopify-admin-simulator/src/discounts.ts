/**
 * discountCodeBasicCreate rules: a code is unique per shop (case-insensitive, TAKEN otherwise), a percentage is a
 * fraction in 0..1, a fixed amount is positive, customers are chosen through `context` (2026-07) or the deprecated
 * `customerSelection`, never both.
 */
import { parseGid, parseMoney } from './model.js';
import type { DiscountRec, Store } from './store.js';

export interface DiscountError {
  field: string[] | null;
  message: string;
  code: string;
}

type Input = Record<string, unknown>;

/** Validates and stores a basic code discount; returns the record or the user errors. */
export function createBasicCodeDiscount(store: Store, input: Input, now: string): { discount?: DiscountRec; errors: DiscountError[] } {
  const errors: DiscountError[] = [];
  const at = (...f: string[]) => ['basicCodeDiscount', ...f];
  const code = typeof input.code === 'string' ? input.code.trim() : '';
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (!title) errors.push({ field: at('title'), message: "Title can't be blank", code: 'BLANK' });
  if (!code) errors.push({ field: at('code'), message: "Code can't be blank", code: 'BLANK' });
  else if (code.length > 255) errors.push({ field: at('code'), message: 'Code is too long (maximum is 255 characters)', code: 'TOO_LONG' });
  else if (store.discountByCode(code))
    errors.push({ field: at('code'), message: 'Code must be unique. Please try a different code.', code: 'TAKEN' });

  const gets = (input.customerGets ?? null) as Input | null;
  const value = (gets?.value ?? null) as Input | null;
  let parsed: DiscountRec['value'] | undefined;
  if (!gets || !value) {
    errors.push({ field: at('customerGets'), message: "Customer gets can't be blank", code: 'BLANK' });
  } else if (value.percentage != null) {
    const p = Number(value.percentage);
    if (!(p > 0 && p <= 1))
      errors.push({
        field: at('customerGets', 'value', 'percentage'),
        message: 'Value must be between 0.0 and 1.0',
        code: 'VALUE_OUTSIDE_RANGE',
      });
    else parsed = { type: 'percentage', percentage: p };
  } else if (value.discountAmount != null) {
    const amount = parseMoney((value.discountAmount as Input).amount);
    if (amount == null || amount <= 0)
      errors.push({
        field: at('customerGets', 'value', 'discountAmount', 'amount'),
        message: 'Value must be greater than 0',
        code: 'GREATER_THAN',
      });
    else
      parsed = { type: 'fixed_amount', amountMinor: amount, appliesOnEachItem: Boolean((value.discountAmount as Input).appliesOnEachItem) };
  } else {
    errors.push({
      field: at('customerGets', 'value'),
      message: 'Only percentage or a fixed amount is supported for a basic discount here',
      code: 'INVALID',
    });
  }

  const context = (input.context ?? null) as Input | null;
  const selection = (input.customerSelection ?? null) as Input | null;
  let customerIds: number[] | null = null;
  if (context && selection) {
    errors.push({ field: at('context'), message: 'Use either context or customerSelection, not both', code: 'INVALID' });
  } else {
    const source = context ?? selection;
    const customers = (source?.customers ?? null) as Input | null;
    if (customers) {
      const add = ((customers.add as unknown[] | null) ?? []).map((id) => parseGid(id, 'Customer'));
      const path = context ? at('context', 'customers', 'add') : at('customerSelection', 'customers', 'add');
      if (add.some((id) => id == null || !store.customers.has(id)))
        errors.push({ field: path, message: 'Customer does not exist', code: 'INVALID' });
      customerIds = [...new Set(add.filter((id): id is number => id != null))];
    }
  }

  const startsAt = typeof input.startsAt === 'string' ? input.startsAt : now;
  const endsAt = typeof input.endsAt === 'string' ? input.endsAt : null;
  if (endsAt && Date.parse(endsAt) < Date.parse(startsAt)) {
    errors.push({ field: at('endsAt'), message: 'Ends at needs to be after starts_at', code: 'END_DATE_BEFORE_START_DATE' });
  }
  const usageLimit = input.usageLimit == null ? null : Number(input.usageLimit);
  if (usageLimit != null && !(Number.isInteger(usageLimit) && usageLimit > 0)) {
    errors.push({ field: at('usageLimit'), message: 'Usage limit must be greater than 0', code: 'GREATER_THAN' });
  }
  if (errors.length || !parsed) return { errors };

  const combines = (input.combinesWith ?? {}) as Input;
  const discount: DiscountRec = {
    __typename: 'DiscountCodeNode',
    id: store.nextId('discount'),
    codeId: store.nextId('discountCode'),
    code,
    title,
    startsAt,
    endsAt,
    usageLimit,
    appliesOncePerCustomer: Boolean(input.appliesOncePerCustomer),
    value: parsed,
    customerIds,
    selection: context ? 'context' : 'customerSelection',
    combinesWith: {
      orderDiscounts: Boolean(combines.orderDiscounts),
      productDiscounts: Boolean(combines.productDiscounts),
      shippingDiscounts: Boolean(combines.shippingDiscounts),
    },
    createdAt: now,
  };
  store.addDiscount(discount);
  return { discount, errors: [] };
}

/** ACTIVE, SCHEDULED or EXPIRED at `now`. */
export function discountStatus(d: DiscountRec, now = Date.now()): 'ACTIVE' | 'SCHEDULED' | 'EXPIRED' {
  if (Date.parse(d.startsAt) > now) return 'SCHEDULED';
  if (d.endsAt && Date.parse(d.endsAt) <= now) return 'EXPIRED';
  return 'ACTIVE';
}

/** Shopify-like one-line summary, e.g. "15% off entire order • For 2 customers". */
export function discountSummary(d: DiscountRec, currency: string): string {
  const value =
    d.value.type === 'percentage'
      ? `${Math.round(d.value.percentage * 10000) / 100}% off entire order`
      : `${(d.value.amountMinor / 100).toFixed(2)} ${currency} off entire order`;
  const who = d.customerIds ? ` • For ${d.customerIds.length} customer${d.customerIds.length === 1 ? '' : 's'}` : '';
  const once = d.appliesOncePerCustomer ? ' • One use per customer' : '';
  return `${value}${who}${once}`;
}
