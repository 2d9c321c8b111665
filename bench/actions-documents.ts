/**
 * Section 8's mutations (bench/actions.ts): each payload selects what the example operation of the same name in
 * docs/operations/*.graphql selects, written out here (as bench/queries.ts does) so that figures stay comparable across
 * commits even when the examples change. The held refund adds `refundRequest` (the request an approver decides).
 */

const MONEY = '{ amount currencyCode }';
const USER_ERRORS = 'userErrors { field message code }';

export const NOTE = `mutation BenchUpdateOrderNote($input: ShopifyUpdateOrderNoteInput!) {
  updateOrderNote(input: $input) { order { id store { handle } orderNumber note } ${USER_ERRORS} }
}`;

export const TAGS = `mutation BenchUpdateOrderTags($input: ShopifyUpdateOrderTagsInput!) {
  updateOrderTags(input: $input) { order { id store { handle } orderNumber tags } ${USER_ERRORS} }
}`;

export const ADDRESS = `mutation BenchUpdateShippingAddress($input: ShopifyUpdateShippingAddressInput!) {
  updateShippingAddress(input: $input) {
    order {
      id store { handle } orderNumber canEditShippingAddress
      shippingAddress { firstName lastName address1 address2 city provinceCode zip countryCode }
    }
    ${USER_ERRORS}
  }
}`;

export const REPLACEMENT = `mutation BenchCreateReplacementOrder($input: ShopifyCreateReplacementOrderInput!) {
  createReplacementOrder(input: $input) {
    draftOrderId
    order { id orderNumber total ${MONEY} tags note products { id name quantity } }
    originalOrder { id orderNumber agentActions(limit: 1) { action outcome shopifyIds } }
    ${USER_ERRORS}
  }
}`;

/** refund-partial.graphql's selection; the held refund's row also reads the request it became. */
const REFUND_SELECTION = `refund { id total ${MONEY} }
    order { id store { handle } status financialStatus totalRefunded ${MONEY} refundable }
    ${USER_ERRORS}`;

export const REFUND = `mutation BenchRefundOrder($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) { ${REFUND_SELECTION} }
}`;

export const REFUND_HELD = `mutation BenchRefundOrderHeld($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) { refundRequest { id status amount ${MONEY} } ${REFUND_SELECTION} }
}`;

export const APPROVE = `mutation BenchApproveRefundRequest($input: ShopifyApproveRefundRequestInput!) {
  approveRefundRequest(input: $input) {
    refundRequest { id status requestedBy decidedBy decidedAt }
    refund { id total ${MONEY} }
    order { id financialStatus totalRefunded ${MONEY} }
    ${USER_ERRORS}
  }
}`;

export const REJECT = `mutation BenchRejectRefundRequest($input: ShopifyRejectRefundRequestInput!) {
  rejectRefundRequest(input: $input) { refundRequest { id status decidedBy rejectionReason } ${USER_ERRORS} }
}`;

export const CANCEL = `mutation BenchCancelOrder($input: ShopifyCancelOrderInput!) {
  cancelOrder(input: $input) { jobId order { id store { handle } orderNumber status cancelledAt canCancel } ${USER_ERRORS} }
}`;

/** The example operations' free text and address (docs/operations/*.variables.json). */
export const EXAMPLE = {
  note: 'Customer asked to leave the parcel with the neighbour at no. 12',
  tagsAdded: ['vip', 'escalated'],
  address: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    address1: '500 Howard Street',
    address2: 'Floor 3',
    city: 'San Francisco',
    provinceCode: 'CA',
    zip: '94105',
    countryCode: 'US',
  },
  replacementReason: 'Arrived damaged',
  refundNote: 'One item arrived damaged',
  rejectionReason: 'Outside the 30-day window; offer store credit instead',
  staffNote: 'Customer asked by chat to cancel',
} as const;
