/**
 * Shopify's userError paths in our input's names (src/actions/user-errors.ts toUserErrors, and edits.ts
 * editUserErrors before it): every name in a result is one our input has, whatever Shopify answers.
 */
import { describe, expect, it } from 'vitest';
import { editUserErrors } from '../../src/actions/edits.js';
import { SHOPIFY_USER_ERROR, toUserErrors } from '../../src/actions/user-errors.js';

/** The field path toUserErrors gives one Shopify error with `field`. */
const pathOf = (field: string[] | null, fieldMap: Record<string, string | null>) =>
  toUserErrors([{ field, message: 'm', code: 'C' }], fieldMap)[0]!.field;
const editPath = (field: string[], fields: Record<string, string>) => editUserErrors([{ field, message: 'm' }], fields)[0]!.field;

describe('toUserErrors field paths', () => {
  it("map an address's fields to ShopifyMailingAddressInput's, Shopify's deprecated names too", () => {
    const address = { shippingAddress: 'address' };
    expect(pathOf(['shippingAddress', 'province'], address)).toEqual(['input', 'address', 'provinceCode']);
    expect(pathOf(['shippingAddress', 'provinceCode'], address)).toEqual(['input', 'address', 'provinceCode']);
    expect(pathOf(['shippingAddress', 'country'], address)).toEqual(['input', 'address', 'countryCode']);
    expect(pathOf(['shippingAddress', 'countryCode'], address)).toEqual(['input', 'address', 'countryCode']);
    for (const name of ['firstName', 'lastName', 'company', 'address1', 'address2', 'city', 'zip', 'phone']) {
      expect(pathOf(['shippingAddress', name], address)).toEqual(['input', 'address', name]);
    }
  });

  it('stop at the address when Shopify names something our input does not have', () => {
    const address = { shippingAddress: 'address' };
    expect(pathOf(['shippingAddress', 'id'], address)).toEqual(['input', 'address']);
    expect(pathOf(['shippingAddress', 'latitude'], address)).toEqual(['input', 'address']);
    expect(pathOf(['shippingAddress', '__proto__'], address)).toEqual(['input', 'address']);
    expect(pathOf(['shippingAddress'], address)).toEqual(['input', 'address']);
    // a replacement's address field keeps its own name
    expect(pathOf(['shippingAddress', 'province'], { shippingAddress: 'shippingAddress' })).toEqual([
      'input',
      'shippingAddress',
      'provinceCode',
    ]);
  });

  it('keep a list index and the line names our line items have, and stop at what they do not', () => {
    const refund = { refundLineItems: 'lineItems', shipping: 'shipping' };
    expect(pathOf(['refundLineItems', '0', 'quantity'], refund)).toEqual(['input', 'lineItems', '0', 'quantity']);
    expect(pathOf(['refundLineItems', '12', 'lineItemId'], refund)).toEqual(['input', 'lineItems', '12', 'lineItemId']);
    expect(pathOf(['refundLineItems', '0', 'locationId'], refund)).toEqual(['input', 'lineItems', '0']);
    expect(pathOf(['refundLineItems', 'quantity'], refund)).toEqual(['input', 'lineItems']);
    expect(pathOf(['refundLineItems', '-1', 'quantity'], refund)).toEqual(['input', 'lineItems']);
    expect(pathOf(['shipping', 'fullRefund'], refund)).toEqual(['input', 'shipping', 'full']);
    expect(pathOf(['shipping', 'amount'], refund)).toEqual(['input', 'shipping', 'amount']);
    expect(pathOf(['transactions', '0', 'amount'], refund)).toBeNull();
  });

  it('give a scalar field no sub-path, and an unknown or inherited head no field', () => {
    expect(pathOf(['basicCodeDiscount', 'customerGets', 'value', 'percentage'], { customerGets: 'percentage' })).toEqual([
      'input',
      'percentage',
    ]);
    expect(pathOf(['basicCodeDiscount', 'code'], { code: 'code' })).toEqual(['input', 'code']);
    expect(pathOf(['note', 'extra'], { note: 'reason' })).toEqual(['input', 'reason']);
    expect(pathOf(['constructor'], {})).toBeNull();
    expect(pathOf(['toString', 'x'], { note: 'note' })).toBeNull();
    expect(pathOf(null, { note: 'note' })).toBeNull();
    expect(pathOf([], { note: 'note' })).toBeNull();
  });

  it("keep Shopify's code, else SHOPIFY_USER_ERROR", () => {
    expect(toUserErrors([{ field: ['note'], message: 'Too long' }], { note: 'note' })).toEqual([
      { field: ['input', 'note'], message: 'Too long', code: SHOPIFY_USER_ERROR },
    ]);
    expect(toUserErrors([{ field: null, message: 'No', code: 'INVALID' }], {})).toEqual([{ field: null, message: 'No', code: 'INVALID' }]);
  });
});

describe('editUserErrors', () => {
  it("drops the argument's own name, maps id to orderId and the address and tag lists to ours", () => {
    expect(editPath(['input', 'shippingAddress', 'province'], { shippingAddress: 'address' })).toEqual([
      'input',
      'address',
      'provinceCode',
    ]);
    expect(editPath(['shippingAddress', 'zip'], { shippingAddress: 'address' })).toEqual(['input', 'address', 'zip']);
    expect(editPath(['input', 'shippingAddress', 'countryCode'], { shippingAddress: 'address' })).toEqual([
      'input',
      'address',
      'countryCode',
    ]);
    expect(editPath(['id'], { note: 'note' })).toEqual(['input', 'orderId']);
    expect(editPath(['input', 'note'], { note: 'note' })).toEqual(['input', 'note']);
    expect(editPath(['tags', '3'], { tags: 'add' })).toEqual(['input', 'add', '3']);
    expect(editPath(['tags', 'x'], { tags: 'remove' })).toEqual(['input', 'remove']);
    expect(editPath(['input', 'tags'], { note: 'note' })).toBeNull();
  });
});
