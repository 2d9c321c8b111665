import { describe, expect, it } from 'vitest';
import { NoDeprecatedCustomRule, parse, validate } from 'graphql';
import * as actionOperations from '../../src/shopify/action-operations.js';
import * as editOperations from '../../src/shopify/edit-operations.js';
import * as replacementOperations from '../../src/shopify/replacement-operations.js';
import * as readOperations from '../../src/shopify/operations.js';
import * as webhookOperations from '../../src/shopify/webhook-subscriptions.js';
import { loadAdminSchema } from 'shopify-admin-schema';
import { declaredDocuments, operationNameOf, type TypedDocument } from '../../src/shopify/typed-request.js';

/**
 * Every document we send to Shopify, from every module that owns some. Imported statically: a module that moves must
 * be named here again, or this file stops compiling — it can never silently validate fewer documents.
 */
const MODULES: ReadonlyArray<Record<string, unknown>> = [
  readOperations,
  actionOperations,
  editOperations,
  replacementOperations,
  webhookOperations,
];

function allDocuments(): Array<[string, string]> {
  return MODULES.flatMap((m) =>
    Object.entries(m).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && /^\s*#graphql[\s\S]*\b(query|mutation)\s+\w+/.test(e[1]),
    ),
  );
}

describe('Shopify documents', () => {
  it('are all found: eight for the read path, nine for the first actions, six for the order edits, five for replacement orders, two for webhook subscriptions', () => {
    expect(
      allDocuments()
        .map(([name]) => name)
        .sort(),
    ).toEqual([
      'ACTION_CUSTOMER',
      'ACTION_DISCOUNT_BY_CODE',
      'ACTION_DISCOUNT_CREATE',
      'ACTION_ORDER',
      'ACTION_ORDER_CANCEL',
      'ACTION_ORDER_CANCELLED',
      'ACTION_ORDER_CHECK',
      'ACTION_REFUND_CREATE',
      'ACTION_SUGGESTED_REFUND',
      'CUSTOMER_BY_ID',
      'CUSTOMER_BY_ORDER_NAME',
      'CUSTOMER_IDS_BY_EMAIL',
      'CUSTOMER_ID_BY_EMAIL_ADDRESS',
      'CUSTOMER_SEARCH',
      'EDIT_ORDER_CHECK',
      'EDIT_ORDER_NOTE',
      'EDIT_SHIPPING_ADDRESS',
      'EDIT_TAGS_ADD',
      'EDIT_TAGS_REMOVE',
      'ORDER_LINE_ITEMS',
      'ORDER_SHIPPING_ADDRESS',
      'PROFILE_CUSTOMERS',
      'REPLACEMENT_DRAFT',
      'REPLACEMENT_DRAFT_BY_TAG',
      'REPLACEMENT_DRAFT_COMPLETE',
      'REPLACEMENT_DRAFT_CREATE',
      'REPLACEMENT_ORDER_CHECK',
      'SHOP_CURRENCY',
      'WEBHOOK_SUBSCRIPTIONS_LIST',
      'WEBHOOK_SUBSCRIPTION_CREATE',
    ]);
  });

  it('are each declared through typedDocument, and no typed document is left out of these checks', () => {
    // request() sends only typed documents, named by their own operation: every one of them is validated below.
    const found = allDocuments();
    expect(found.map(([, source]) => operationNameOf(source as TypedDocument<unknown, unknown>)).sort()).toEqual(
      [...declaredDocuments().values()].sort(),
    );
    expect(new Set(found.map(([, source]) => source))).toEqual(new Set(declaredDocuments().keys()));
  });

  it('each validates against the pinned 2026-07 Admin schema', () => {
    const schema = loadAdminSchema();
    for (const [name, source] of allDocuments()) {
      const errors = validate(schema, parse(source)).map((e) => e.message);
      expect({ name, errors }).toEqual({ name, errors: [] });
    }
  });

  it('use no deprecated field, argument, input field or enum value of the pinned schema', () => {
    const schema = loadAdminSchema();
    // The rule is live: Customer.email is deprecated in 2026-07 (defaultEmailAddress replaces it).
    expect(
      validate(schema, parse('query { customer(id: "gid://shopify/Customer/1") { email } }'), [NoDeprecatedCustomRule]).map(
        (e) => e.message,
      ),
    ).toEqual([expect.stringMatching(/Customer\.email is deprecated/)]);
    for (const [name, source] of allDocuments()) {
      const deprecated = validate(schema, parse(source), [NoDeprecatedCustomRule]).map((e) => e.message);
      expect({ name, deprecated }).toEqual({ name, deprecated: [] });
    }
  });
});
