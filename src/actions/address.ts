/**
 * updateShippingAddress: orderUpdate(input: { id, shippingAddress }), for an order nothing of which has shipped.
 * The rule is the one ShopifyOrder.canEditShippingAddress shows (../domain/availability.ts), checked against the order
 * as Shopify has it now; Shopify itself documents no such refusal, so without the check a shipped order's address
 * would silently change after the parcel left.
 */
import { NotPossibleNowError } from '../errors.js';
import { shippingAddressBlock } from '../domain/availability.js';
import type { EditCheckedOrder } from '../domain/actions.js';
import type { MailingAddress } from '../domain/model.js';
import type { ActionSpec } from './idempotency.js';
import { editGateway, editUserErrors, requireEditOrder, type EditOutcome } from './edits.js';
import type { AddressRequest } from './edit-validate.js';

/**
 * What is written ahead and sent. It holds the address (personal data) in the idempotency record for the key's 24 h,
 * because a retry after a lost answer must send it again unchanged; it is never logged nor audited.
 */
export interface AddressSent {
  orderId: string;
  customerId: string | null;
  address: MailingAddress;
}

export const addressSpec: ActionSpec<AddressRequest, AddressSent, EditOutcome> = {
  action: 'updateShippingAddress',
  async prepare(ctx, req) {
    const order = await requireEditOrder(ctx, req.orderId);
    refuseIfBlocked(order);
    return { orderId: req.orderId, customerId: order.customerId, address: req.address };
  },
  async send(ctx, sent) {
    const errors = await editGateway(ctx).setShippingAddress(sent.orderId, sent.address);
    return { orderId: sent.orderId, customerId: sent.customerId, userErrors: editUserErrors(errors, { shippingAddress: 'address' }) };
  },
  // Setting the same address again is harmless (see ./edits.ts): after a lost answer it is sent again.
  reconcile: async () => null,
};

/** NotPossibleNowError (ORDER_CANCELLED / ORDER_FULFILLED) when the order's address may no longer change. */
function refuseIfBlocked(order: EditCheckedOrder): void {
  const block = shippingAddressBlock(order);
  if (block === 'ORDER_CANCELLED') {
    throw new NotPossibleNowError(
      'input.orderId',
      block,
      `the order was cancelled at ${order.cancelledAt}; its shipping address can no longer change`,
    );
  }
  if (block === 'ORDER_FULFILLED') {
    const status = order.fulfillmentStatus ?? 'unknown';
    throw new NotPossibleNowError(
      'input.orderId',
      block,
      `the order is already fulfilled or being fulfilled (fulfillment status ${status}); its shipping address can no longer change`,
    );
  }
}
