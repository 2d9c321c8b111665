/** updateOrderNote: orderUpdate(input: { id, note }), setting or clearing the note and nothing else. */
import type { ActionSpec } from './idempotency.js';
import { editGateway, editUserErrors, requireEditOrder, type EditOutcome } from './edits.js';
import type { NoteRequest } from './edit-validate.js';

/** What is written ahead and sent (a resend after a lost answer sends it unchanged). */
export interface NoteSent {
  orderId: string;
  customerId: string | null;
  /** null clears the note */
  note: string | null;
}

export const noteSpec: ActionSpec<NoteRequest, NoteSent, EditOutcome> = {
  action: 'updateOrderNote',
  async prepare(ctx, req) {
    // Any order may have its note changed, cancelled or shipped: the read only proves it exists and names its customer.
    const order = await requireEditOrder(ctx, req.orderId);
    return { orderId: req.orderId, customerId: order.customerId, note: req.note };
  },
  async send(ctx, sent) {
    const errors = await editGateway(ctx).setNote(sent.orderId, sent.note);
    return { orderId: sent.orderId, customerId: sent.customerId, userErrors: editUserErrors(errors, { note: 'note' }) };
  },
  // Setting the same note again is harmless (see ./edits.ts): after a lost answer it is sent again.
  reconcile: async () => null,
};

/** The audit detail of a note change: whether it was set (and how long) or cleared, never the text. */
export function noteDetail(req: NoteRequest): string {
  return req.note === null ? 'note=cleared' : `note=set length=${[...req.note].length}`;
}
