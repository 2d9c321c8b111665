import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import * as readOperations from '../../src/shopify/operations.js';
import { loadAdminSchema } from '../../src/shopify/schema.js';

/** Every document we send to Shopify, from every module that owns some. */
async function allDocuments(): Promise<Array<[string, string]>> {
  const modules: Array<Record<string, unknown>> = [readOperations];
  try {
    modules.push(await import('../../src/actions/operations.js'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
  return modules.flatMap((m) =>
    Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string' && /^\s*#graphql[\s\S]*\b(query|mutation)\s+\w+/.test(e[1])),
  );
}

describe('Shopify documents', () => {
  it('are all found (the read path has its six operations)', async () => {
    const names = (await allDocuments()).map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining([
      'PROFILE_CUSTOMERS', 'ORDER_LINE_ITEMS', 'CUSTOMER_SEARCH', 'CUSTOMER_BY_ORDER_NAME', 'CUSTOMER_BY_ID', 'CUSTOMER_IDS_BY_EMAIL',
    ]));
  });

  it('each validates against the pinned 2026-07 Admin schema', async () => {
    const schema = loadAdminSchema();
    for (const [name, source] of await allDocuments()) {
      const errors = validate(schema, parse(source)).map((e) => e.message);
      expect({ name, errors }).toEqual({ name, errors: [] });
    }
  });

  it('use no deprecated Customer.email / emailMarketingConsent fields', async () => {
    for (const [, source] of await allDocuments()) {
      expect(source).not.toMatch(/^\s*email\s*$/m);
      expect(source).not.toContain('emailMarketingConsent');
    }
  });
});
