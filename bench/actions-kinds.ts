/**
 * Section 8's actions (bench/actions.ts), in the order a pass runs them: for each, its document, the agent who sends
 * it, the orders it is tried on, its variables (the example operations' own, docs/operations/*.variables.json) and
 * the check that its answer did what it says.
 */
import { ADDRESS, APPROVE, CANCEL, EXAMPLE, NOTE, REFUND, REFUND_HELD, REJECT, REPLACEMENT, TAGS } from './actions-documents.js';
import { PICKS, refundLine, REQUESTER_LIMIT, shippedLine, type OrderPick, type SimOrder } from './actions-setup.js';

/** What an action is tried on: an order, or (approve/reject) a held refund request. */
export type Target = { order: SimOrder } | { requestId: string };

export type ActionId = 'note' | 'tags' | 'address' | 'replacement' | 'refund-held' | 'approve' | 'reject' | 'refund' | 'cancel';

/** One action of the section: its document, who sends it, what it is tried on, its variables and its answer's check. */
export interface ActionKind {
  id: ActionId;
  label: string;
  /** the payload's field in `data` */
  field: string;
  document: string;
  as: 'agent' | 'requester' | 'approver';
  /** the orders it is tried on; null: a held request's */
  pick: OrderPick | null;
  input(target: Target): Record<string, unknown>;
  /** what is wrong with a successful-looking payload, or null */
  check(payload: any): string | null;
}

function orderOf(t: Target): SimOrder {
  if ('order' in t) return t.order;
  throw new Error('this action is tried on an order, not on a refund request');
}
function requestOf(t: Target): string {
  if ('requestId' in t) return t.requestId;
  throw new Error('this action is tried on a refund request, not on an order');
}
const expect = (ok: boolean, problem: string) => (ok ? null : problem);

/** The section's actions, in the order a pass runs them (approve and reject decide the held refunds' requests). */
export const ACTIONS: readonly ActionKind[] = [
  {
    id: 'note',
    label: 'updateOrderNote',
    field: 'updateOrderNote',
    document: NOTE,
    as: 'agent',
    pick: PICKS.any,
    input: (t) => ({ orderId: orderOf(t).id, note: EXAMPLE.note }),
    check: (p) => expect(p.order?.note === EXAMPLE.note, 'the order does not show the note'),
  },
  {
    id: 'tags',
    label: 'updateOrderTags (add 2, remove 1)',
    field: 'updateOrderTags',
    document: TAGS,
    as: 'agent',
    pick: PICKS.tagged,
    input: (t) => ({ orderId: orderOf(t).id, add: [...EXAMPLE.tagsAdded], remove: [orderOf(t).tags[0]!] }),
    check: (p) =>
      expect(
        EXAMPLE.tagsAdded.every((tag) => p.order?.tags?.includes(tag)),
        'the order does not show the added tags',
      ),
  },
  {
    id: 'address',
    label: 'updateShippingAddress',
    field: 'updateShippingAddress',
    document: ADDRESS,
    as: 'agent',
    pick: PICKS.unshipped,
    input: (t) => ({ orderId: orderOf(t).id, address: { ...EXAMPLE.address } }),
    check: (p) => expect(p.order?.shippingAddress?.address1 === EXAMPLE.address.address1, 'the order does not show the address'),
  },
  {
    id: 'replacement',
    label: 'createReplacementOrder (1 line)',
    field: 'createReplacementOrder',
    document: REPLACEMENT,
    as: 'agent',
    pick: PICKS.shipped,
    input: (t) => ({
      orderId: orderOf(t).id,
      lineItems: [{ lineItemId: shippedLine(orderOf(t))!.id, quantity: 1 }],
      reason: EXAMPLE.replacementReason,
    }),
    check: (p) => expect(typeof p.order?.id === 'string' && p.order.total?.amount === '0.00', 'no free replacement order'),
  },
  {
    id: 'refund',
    label: 'refundOrder (direct, 1 unit)',
    field: 'refundOrder',
    document: REFUND,
    as: 'agent',
    pick: PICKS.refundable,
    input: (t) => refundInput(orderOf(t)),
    check: (p) => expect(typeof p.refund?.id === 'string', 'no refund'),
  },
  {
    id: 'cancel',
    label: 'cancelOrder (refund, restock)',
    field: 'cancelOrder',
    document: CANCEL,
    as: 'agent',
    pick: PICKS.cancellable,
    input: (t) => ({
      orderId: orderOf(t).id,
      reason: 'CUSTOMER',
      refund: true,
      restock: true,
      notifyCustomer: false,
      staffNote: EXAMPLE.staffNote,
    }),
    check: (p) => expect(typeof p.order?.id === 'string', 'no order in the payload'),
  },
  {
    id: 'refund-held',
    label: `refundOrder (held: above a ${REQUESTER_LIMIT} limit)`,
    field: 'refundOrder',
    document: REFUND_HELD,
    as: 'requester',
    pick: PICKS.refundable,
    input: (t) => refundInput(orderOf(t)),
    check: (p) => expect(p.refundRequest?.status === 'PENDING' && p.refund === null, 'not held as a pending request'),
  },
  {
    id: 'approve',
    label: 'approveRefundRequest',
    field: 'approveRefundRequest',
    document: APPROVE,
    as: 'approver',
    pick: null,
    input: (t) => ({ id: requestOf(t) }),
    check: (p) => expect(p.refundRequest?.status === 'APPROVED' && typeof p.refund?.id === 'string', 'not approved with a refund'),
  },
  {
    id: 'reject',
    label: 'rejectRefundRequest',
    field: 'rejectRefundRequest',
    document: REJECT,
    as: 'approver',
    pick: null,
    input: (t) => ({ id: requestOf(t), reason: EXAMPLE.rejectionReason }),
    check: (p) => expect(p.refundRequest?.status === 'REJECTED', 'not rejected'),
  },
];

/** refund-partial.graphql's input: one unit of one line item, restocked. */
function refundInput(order: SimOrder): Record<string, unknown> {
  return {
    orderId: order.id,
    lineItems: [{ lineItemId: refundLine(order)!.id, quantity: 1, restock: true }],
    note: EXAMPLE.refundNote,
    notifyCustomer: false,
  };
}
