/**
 * Stores configuration (issue 13): SHOPIFY_STORES_FILE (JSON or YAML, 1 to 20 stores, secrets named by variable),
 * and the single-store variables as one `default` store. Every problem is listed at once, by its path in the file,
 * and no secret value is ever printed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig, type Config } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'stores-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes `text` to a new file of the temp folder and returns its path. */
function file(extension: string, text: string): string {
  const path = join(dir, `stores-${++files}${extension}`);
  writeFileSync(path, text);
  return path;
}

const SECRETS = {
  US_TOKEN: 'shpat_us_secret_0001',
  EU_TOKEN: 'shpat_eu_secret_0002',
  US_HOOK: 'whsec_us_secret_0003',
};
const NO_AUTH = { AUTH_MODE: 'none' };

/** The problems loadConfig lists; fails the test when it does not throw, or when any secret value is printed. */
function problems(env: Record<string, string>, secrets: string[] = Object.values(SECRETS)): string[] {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  for (const secret of secrets) expect((error as Error).message).not.toContain(secret);
  return (error as ConfigError).problems;
}

const TWO_STORES_YAML = `# two stores
stores:
  - handle: us
    name: US store
    domain: acme-us.myshopify.com
    tokenEnv: US_TOKEN
    webhookSecretEnv: US_HOOK
    autoLink: unique
  - handle: eu
    name: "  EU store  "
    domain: https://acme-eu.myshopify.com
    tokenEnv: EU_TOKEN
    actions: { refund: false }
    autoLink: off
`;

const US_STORE = {
  handle: 'us',
  name: 'US store',
  endpoint: { storeDomain: 'acme-us.myshopify.com', protocol: 'https' },
  accessToken: SECRETS.US_TOKEN,
  webhookSecret: SECRETS.US_HOOK,
  actions: { cancel: true, refund: true, discount: true, edit: true, replace: true },
  autoLink: 'unique',
  apiVersion: '2026-07',
};
const EU_STORE = {
  handle: 'eu',
  name: 'EU store',
  endpoint: { storeDomain: 'acme-eu.myshopify.com', protocol: 'https' },
  accessToken: SECRETS.EU_TOKEN,
  webhookSecret: null,
  actions: { cancel: true, refund: false, discount: true, edit: true, replace: true },
  autoLink: 'off',
  apiVersion: '2026-07',
};

describe('SHOPIFY_STORES_FILE', () => {
  it('reads a YAML file: stores in file order, defaults filled in, secrets from the variables it names', () => {
    const c = loadConfig({
      SHOPIFY_STORES_FILE: file('.yaml', TWO_STORES_YAML),
      ...SECRETS,
      SHOPIFY_API_VERSION: '2026-04',
      AUTH_JWT_SECRET: 'j'.repeat(32),
    });
    expect(c.stores).toEqual([
      { ...US_STORE, apiVersion: '2026-04' },
      { ...EU_STORE, apiVersion: '2026-04' },
    ]);
    // The first store's values, where the demo stores' settings are read.
    expect(c.webhookSecret).toBe(SECRETS.US_HOOK);
    expect(c.autoLink).toBe(true);
    // A real store: agent tokens are checked unless AUTH_MODE=none says otherwise.
    expect(c.auth.mode).toBe('jwt');
    expect(() => loadConfig({ SHOPIFY_STORES_FILE: file('.yaml', TWO_STORES_YAML), ...SECRETS })).toThrow(
      /AUTH_JWT_SECRET: a real store needs agent authentication/,
    );
  });

  it('reads the same stores from JSON and from .yml; an empty webhookSecretEnv is no secret', () => {
    const json = JSON.stringify({
      stores: [
        {
          handle: 'us',
          name: 'US store',
          domain: 'acme-us.myshopify.com',
          tokenEnv: 'US_TOKEN',
          webhookSecretEnv: 'US_HOOK',
          autoLink: 'unique',
        },
        {
          handle: 'eu',
          name: 'EU store',
          domain: 'acme-eu.myshopify.com',
          tokenEnv: 'EU_TOKEN',
          actions: { refund: false },
          autoLink: 'off',
        },
      ],
    });
    expect(loadConfig({ SHOPIFY_STORES_FILE: file('.json', json), ...SECRETS, ...NO_AUTH }).stores).toEqual([US_STORE, EU_STORE]);
    expect(loadConfig({ SHOPIFY_STORES_FILE: file('.yml', TWO_STORES_YAML), ...SECRETS, ...NO_AUTH }).stores).toEqual([US_STORE, EU_STORE]);
    const minimal = file(
      '.yaml',
      'stores:\n  - handle: shop\n    name: Shop\n    domain: http://127.0.0.1:4100\n    tokenEnv: T\n    webhookSecretEnv:\n',
    );
    const c = loadConfig({ SHOPIFY_STORES_FILE: minimal, T: 't', ...NO_AUTH });
    expect(c.stores).toEqual([
      {
        handle: 'shop',
        name: 'Shop',
        endpoint: { storeDomain: '127.0.0.1:4100', protocol: 'http' },
        accessToken: 't',
        webhookSecret: null,
        actions: { cancel: true, refund: true, discount: true, edit: true, replace: true },
        autoLink: 'first',
        apiVersion: '2026-07',
      },
    ]);
    expect([c.webhookSecret, c.autoLink]).toEqual([undefined, true]);
  });

  it("config.autoLink is false when the first store's policy is off", () => {
    const offFirst = file('.yaml', 'stores:\n  - { handle: eu, name: EU, domain: eu.myshopify.com, tokenEnv: EU_TOKEN, autoLink: off }\n');
    expect(loadConfig({ SHOPIFY_STORES_FILE: offFirst, ...SECRETS, ...NO_AUTH }).autoLink).toBe(false);
  });

  it('reads the documented example (docs/stores.example.yaml)', () => {
    const env = {
      SHOPIFY_STORES_FILE: 'docs/stores.example.yaml',
      SHOPIFY_US_ADMIN_TOKEN: 'a',
      SHOPIFY_US_WEBHOOK_SECRET: 'b',
      SHOPIFY_EU_ADMIN_TOKEN: 'c',
      SHOPIFY_EU_WEBHOOK_SECRET: 'd',
      SHOPIFY_WHOLESALE_ADMIN_TOKEN: 'e',
      ...NO_AUTH,
    };
    expect(
      loadConfig(env).stores.map((s) => [s.handle, s.name, s.endpoint.storeDomain, s.accessToken, s.webhookSecret, s.actions, s.autoLink]),
    ).toEqual([
      [
        'us',
        'US store',
        'acme-us.myshopify.com',
        'a',
        'b',
        { cancel: true, refund: true, discount: true, edit: true, replace: true },
        'first',
      ],
      [
        'eu',
        'EU store',
        'acme-eu.myshopify.com',
        'c',
        'd',
        { cancel: true, refund: false, discount: true, edit: true, replace: true },
        'unique',
      ],
      [
        'wholesale',
        'Wholesale',
        'acme-wholesale.myshopify.com',
        'e',
        null,
        { cancel: true, refund: true, discount: true, edit: true, replace: true },
        'off',
      ],
    ]);
  });

  it('lists every problem of the file and the environment at once, each by its path, no secret printed', () => {
    const pastedToken = 'shpat_0123456789abcdef0123456789abcdef';
    const bad = file(
      '.yaml',
      `stores:
  - handle: US
    name: ""
    domain: http://shop.example.com
    tokenEnv: ${pastedToken}
    webhookSecretEnv: MISSING_HOOK
    actions: { refund: "no", refunds: false }
    autoLink: sometimes
  - handle: eu
    name: ${'x'.repeat(101)}
    domain: eu.myshopify.com
    tokenEnv: BLANK_TOKEN
    colour: red
    ${pastedToken}: true
  - name: 3
    domain: [eu.myshopify.com]
    tokenEnv: $US_TOKEN
    actions: nope
`,
    );
    expect(
      problems({ SHOPIFY_STORES_FILE: bad, BLANK_TOKEN: '  ', ...SECRETS, ...NO_AUTH }, [...Object.values(SECRETS), pastedToken]),
    ).toEqual([
      'SHOPIFY_STORES_FILE stores[0].handle: must be 1 to 32 lower-case letters, digits or dashes, starting with a letter',
      'SHOPIFY_STORES_FILE stores[0].name: must be 1 to 100 characters',
      'SHOPIFY_STORES_FILE stores[0].domain: plain http is allowed only for loopback hosts (localhost, 127.x, ::1), not shop.example.com',
      'SHOPIFY_STORES_FILE stores[0].tokenEnv: must be the NAME of an environment variable (A-Z, 0-9 and _, like US_SHOPIFY_TOKEN), not the secret itself',
      'SHOPIFY_STORES_FILE stores[0].webhookSecretEnv: MISSING_HOOK is not set',
      'SHOPIFY_STORES_FILE stores[0].actions.refund: must be true or false',
      'SHOPIFY_STORES_FILE stores[0].actions.refunds: is not a known key (cancel, refund, discount, edit, replace)',
      'SHOPIFY_STORES_FILE stores[0].autoLink: must be first, unique or off',
      'SHOPIFY_STORES_FILE stores[1].name: must be 1 to 100 characters',
      'SHOPIFY_STORES_FILE stores[1].tokenEnv: BLANK_TOKEN is blank',
      'SHOPIFY_STORES_FILE stores[1].colour: is not a known key (handle, name, domain, tokenEnv, webhookSecretEnv, actions, autoLink)',
      // A key that looks like a pasted token is not repeated.
      'SHOPIFY_STORES_FILE stores[1]: has a key that is not known (handle, name, domain, tokenEnv, webhookSecretEnv, actions, autoLink)',
      'SHOPIFY_STORES_FILE stores[2].handle: is required',
      'SHOPIFY_STORES_FILE stores[2].name: must be a string',
      'SHOPIFY_STORES_FILE stores[2].domain: must be a string',
      'SHOPIFY_STORES_FILE stores[2].tokenEnv: must be the NAME of an environment variable (A-Z, 0-9 and _, like US_SHOPIFY_TOKEN), not the secret itself',
      'SHOPIFY_STORES_FILE stores[2].actions: must be a mapping (key: value)',
    ]);
  });

  it('refuses 0 and 21 stores, and lists the stores’ own problems beside the count', () => {
    const stores = (n: number) =>
      JSON.stringify({
        stores: Array.from({ length: n }, (_, i) => ({ handle: `s${i}`, name: `S${i}`, domain: `s${i}.myshopify.com`, tokenEnv: 'T' })),
      });
    expect(problems({ SHOPIFY_STORES_FILE: file('.json', stores(0)), T: 't', ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE stores: must list 1 to 20 stores, not 0',
    ]);
    expect(problems({ SHOPIFY_STORES_FILE: file('.json', stores(21)), T: 't', ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE stores: must list 1 to 20 stores, not 21',
    ]);
    expect(loadConfig({ SHOPIFY_STORES_FILE: file('.json', stores(20)), T: 't', ...NO_AUTH }).stores.map((s) => s.handle)).toEqual(
      Array.from({ length: 20 }, (_, i) => `s${i}`),
    );
    expect(problems({ SHOPIFY_STORES_FILE: file('.json', stores(21)), ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE stores: must list 1 to 20 stores, not 21',
      ...Array.from({ length: 21 }, (_, i) => `SHOPIFY_STORES_FILE stores[${i}].tokenEnv: T is not set`),
    ]);
  });

  it('refuses a handle or a domain used twice (domains compared as hosts); two loopback ports are two stores', () => {
    const dupes = file(
      '.yaml',
      `stores:
  - { handle: us, name: A, domain: acme.myshopify.com, tokenEnv: T }
  - { handle: eu, name: B, domain: "https://ACME.myshopify.com", tokenEnv: T }
  - { handle: us, name: C, domain: other.myshopify.com, tokenEnv: T, autoLink: never }
`,
    );
    expect(problems({ SHOPIFY_STORES_FILE: dupes, T: 't', ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE stores[2].autoLink: must be first, unique or off',
      'SHOPIFY_STORES_FILE stores[1].domain: acme.myshopify.com is already the domain of stores[0]',
      'SHOPIFY_STORES_FILE stores[2].handle: "us" is already the handle of stores[0]',
    ]);
    const ports = file(
      '.yaml',
      `stores:
  - { handle: us, name: US, domain: "http://127.0.0.1:4100", tokenEnv: T }
  - { handle: eu, name: EU, domain: "http://127.0.0.1:4101", tokenEnv: T }
`,
    );
    expect(loadConfig({ SHOPIFY_STORES_FILE: ports, T: 't', ...NO_AUTH }).stores.map((s) => s.endpoint.storeDomain)).toEqual([
      '127.0.0.1:4100',
      '127.0.0.1:4101',
    ]);
  });

  it('refuses unknown keys at the top of the file', () => {
    const extra = file('.yaml', 'stores:\n  - { handle: us, name: US, domain: us.myshopify.com, tokenEnv: T }\nversion: 2\n');
    expect(problems({ SHOPIFY_STORES_FILE: extra, T: 't', ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE version: is not a known key (stores)',
    ]);
    expect(problems({ SHOPIFY_STORES_FILE: file('.json', '{"stores": 3}'), ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE stores: must be a list',
    ]);
    expect(problems({ SHOPIFY_STORES_FILE: file('.json', '{"stores": [3, null]}'), ...NO_AUTH })).toEqual([
      'SHOPIFY_STORES_FILE stores[0]: must be a mapping (key: value)',
      'SHOPIFY_STORES_FILE stores[1]: must be a mapping (key: value)',
    ]);
  });

  it('a missing, unreadable, unparseable or misshapen file is one clear problem, without the file’s content', () => {
    const one = (path: string) => problems({ SHOPIFY_STORES_FILE: path, ...NO_AUTH }, ['shpat_pasted']);
    expect(one(join(dir, 'absent.yaml'))).toEqual([`SHOPIFY_STORES_FILE: cannot read ${join(dir, 'absent.yaml')}: no such file`]);
    const folder = join(dir, 'folder.yaml');
    mkdirSync(folder);
    expect(one(folder)).toEqual([`SHOPIFY_STORES_FILE: cannot read ${folder}: it is a directory`]);
    const toml = file('.toml', 'stores = []');
    expect(one(toml)).toEqual([`SHOPIFY_STORES_FILE: ${toml} must end in .json, .yaml or .yml`]);
    const trailingComma = file('.json', '{\n  "stores": [],\n}');
    expect(one(trailingComma)).toEqual([`SHOPIFY_STORES_FILE: ${trailingComma} is not valid JSON (line 3, column 1)`]);
    const pasted = file('.json', '{"stores": [shpat_pasted]}');
    expect(one(pasted)).toEqual([`SHOPIFY_STORES_FILE: ${pasted} is not valid JSON`]);
    const indent = file('.yaml', 'stores:\n  - handle: us\n   tokenEnv: shpat_pasted\n');
    expect(one(indent)).toEqual([`SHOPIFY_STORES_FILE: ${indent} is not valid YAML (line 3, column 1: Sequence item without - indicator)`]);
    const unclosed = file('.yaml', 'stores: [shpat_pasted\n');
    expect(one(unclosed)).toEqual([
      `SHOPIFY_STORES_FILE: ${unclosed} is not valid YAML (line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a ])`,
    ]);
    // The yaml package quotes the source in some descriptions: only its code is given then.
    const stray = file('.yaml', 'stores: [shpat_pasted]]\n');
    expect(one(stray)).toEqual([`SHOPIFY_STORES_FILE: ${stray} is not valid YAML (line 1, column 23: UNEXPECTED_TOKEN)`]);
    const duplicateKey = file('.yaml', 'stores: []\nstores: []\n');
    expect(one(duplicateKey)).toEqual([
      `SHOPIFY_STORES_FILE: ${duplicateKey} is not valid YAML (line 2, column 1: Map keys must be unique)`,
    ]);
    for (const text of ['', '- handle: us\n', '"stores"']) {
      const path = file('.yaml', text);
      expect(one(path)).toEqual([`SHOPIFY_STORES_FILE: ${path} must hold a mapping with a "stores" list`]);
    }
    const huge = file('.json', `{"stores": [], "padding": "${'x'.repeat(1024 * 1024)}"}`);
    expect(one(huge)).toEqual([`SHOPIFY_STORES_FILE: ${huge} is larger than 1 MiB`]);
  });
});

describe('one store or several, never both', () => {
  const storesFile = () => file('.yaml', TWO_STORES_YAML);

  it('refuses SHOPIFY_STORES_FILE with SHOPIFY_STORE_DOMAIN, and single-store variables the file does not name', () => {
    expect(
      problems(
        {
          SHOPIFY_STORES_FILE: storesFile(),
          ...SECRETS,
          SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com',
          SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_single_secret',
          SHOPIFY_WEBHOOK_SECRET: 'whsec_single_secret',
          SHOPIFY_STORE_HANDLE: 'main',
          SHOPIFY_STORE_NAME: 'Main',
          SHOPIFY_AUTO_LINK: 'false',
          ...NO_AUTH,
        },
        [...Object.values(SECRETS), 'shpat_single_secret', 'whsec_single_secret'],
      ),
    ).toEqual([
      'SHOPIFY_STORES_FILE: cannot be used with SHOPIFY_STORE_DOMAIN (list that store in the file, or unset SHOPIFY_STORES_FILE for a single store)',
      "SHOPIFY_ADMIN_ACCESS_TOKEN: is not used with SHOPIFY_STORES_FILE: name it as a store's tokenEnv, or unset it",
      "SHOPIFY_WEBHOOK_SECRET: is not used with SHOPIFY_STORES_FILE: name it as a store's webhookSecretEnv, or unset it",
      "SHOPIFY_STORE_HANDLE: is not used with SHOPIFY_STORES_FILE: set each store's handle in the file",
      "SHOPIFY_STORE_NAME: is not used with SHOPIFY_STORES_FILE: set each store's name in the file",
      "SHOPIFY_AUTO_LINK: is not used with SHOPIFY_STORES_FILE: set each store's autoLink in the file",
    ]);
  });

  it('lets the file name SHOPIFY_ADMIN_ACCESS_TOKEN and SHOPIFY_WEBHOOK_SECRET (moving from one store to several)', () => {
    const moved = file(
      '.yaml',
      'stores:\n  - { handle: default, name: Acme, domain: acme.myshopify.com, tokenEnv: SHOPIFY_ADMIN_ACCESS_TOKEN, webhookSecretEnv: SHOPIFY_WEBHOOK_SECRET }\n',
    );
    const c = loadConfig({ SHOPIFY_STORES_FILE: moved, SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', SHOPIFY_WEBHOOK_SECRET: 'w', ...NO_AUTH });
    expect(c.stores.map((s) => [s.handle, s.accessToken, s.webhookSecret])).toEqual([['default', 'shpat_x', 'w']]);
  });

  it('does not call a variable unused on a guess when the file cannot be read', () => {
    expect(problems({ SHOPIFY_STORES_FILE: join(dir, 'absent.json'), SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', ...NO_AUTH })).toEqual([
      `SHOPIFY_STORES_FILE: cannot read ${join(dir, 'absent.json')}: no such file`,
    ]);
  });
});

describe('SHOPIFY_STORE_DOMAIN: one store, as before stores existed', () => {
  const SINGLE = { SHOPIFY_STORE_DOMAIN: 'https://acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', ...NO_AUTH };

  it('is one `default` store with the same credentials, webhook secret and auto-link as before stores existed', () => {
    const c = loadConfig({ ...SINGLE, SHOPIFY_WEBHOOK_SECRET: 'whsec' });
    expect(c.stores).toEqual([
      {
        handle: 'default',
        name: 'acme.myshopify.com',
        endpoint: { storeDomain: 'acme.myshopify.com', protocol: 'https' },
        accessToken: 'shpat_x',
        webhookSecret: 'whsec',
        actions: { cancel: true, refund: true, discount: true, edit: true, replace: true },
        autoLink: 'first',
        apiVersion: '2026-07',
      },
    ]);
    const today: Pick<Config, 'webhookSecret' | 'autoLink' | 'apiVersion'> = {
      webhookSecret: 'whsec',
      autoLink: true,
      apiVersion: '2026-07',
    };
    expect(c).toMatchObject(today);
    const off = loadConfig({ ...SINGLE, SHOPIFY_AUTO_LINK: 'false' });
    expect([off.stores[0]!.autoLink, off.stores[0]!.webhookSecret, off.autoLink, off.webhookSecret]).toEqual([
      'off',
      null,
      false,
      undefined,
    ]);
  });

  it('takes its handle and name from SHOPIFY_STORE_HANDLE and SHOPIFY_STORE_NAME', () => {
    const c = loadConfig({ ...SINGLE, SHOPIFY_STORE_HANDLE: 'us', SHOPIFY_STORE_NAME: ' Acme US ' });
    expect(c.stores.map((s) => [s.handle, s.name])).toEqual([['us', 'Acme US']]);
    // Blank is unset, as for every other variable.
    expect(loadConfig({ ...SINGLE, SHOPIFY_STORE_HANDLE: ' ', SHOPIFY_STORE_NAME: '' }).stores.map((s) => [s.handle, s.name])).toEqual([
      ['default', 'acme.myshopify.com'],
    ]);
    expect(problems({ ...SINGLE, SHOPIFY_STORE_HANDLE: 'US Store', SHOPIFY_STORE_NAME: 'n'.repeat(101) })).toEqual([
      'SHOPIFY_STORE_HANDLE: must be 1 to 32 lower-case letters, digits or dashes, starting with a letter',
      'SHOPIFY_STORE_NAME: must be at most 100 characters',
    ]);
  });

  it('no store at all is the demo store: no stores, no credentials; a handle or name alone names nothing', () => {
    expect(loadConfig({})).toMatchObject({ stores: [], webhookSecret: undefined, autoLink: true, auth: { mode: 'none' } });
    expect(loadConfig({ SHOPIFY_WEBHOOK_SECRET: 'w', SHOPIFY_AUTO_LINK: 'off' })).toMatchObject({
      stores: [],
      webhookSecret: 'w',
      autoLink: false,
    });
    expect(problems({ SHOPIFY_STORE_HANDLE: 'us', SHOPIFY_STORE_NAME: 'US' })).toEqual([
      'SHOPIFY_STORE_HANDLE: names the store of SHOPIFY_STORE_DOMAIN, which is not set',
      'SHOPIFY_STORE_NAME: names the store of SHOPIFY_STORE_DOMAIN, which is not set',
    ]);
  });

  it('the new variables are in ENV_VARIABLES (deployment manifests are checked against it)', () => {
    expect(ENV_VARIABLES).toEqual(expect.arrayContaining(['SHOPIFY_STORES_FILE', 'SHOPIFY_STORE_HANDLE', 'SHOPIFY_STORE_NAME']));
  });
});

describe('production with a stores file', () => {
  const SAFE = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'j'.repeat(32), ROUTER_SECRET: 'r'.repeat(32) };

  it('starts with every store real and every token present', () => {
    const c = loadConfig({ ...SAFE, SHOPIFY_STORES_FILE: file('.yaml', TWO_STORES_YAML), ...SECRETS });
    expect(c.stores.map((s) => s.handle)).toEqual(['us', 'eu']);
    expect(c.auth.mode).toBe('jwt');
  });

  it('refuses a file whose stores lack tokens, and never asks for SHOPIFY_STORE_DOMAIN instead', () => {
    expect(problems({ ...SAFE, SHOPIFY_STORES_FILE: file('.yaml', TWO_STORES_YAML), US_TOKEN: SECRETS.US_TOKEN })).toEqual([
      'SHOPIFY_STORES_FILE stores[0].webhookSecretEnv: US_HOOK is not set',
      'SHOPIFY_STORES_FILE stores[1].tokenEnv: EU_TOKEN is not set',
    ]);
    // An unreadable file is no store, said once; the demo store is not offered in its place.
    expect(problems({ ...SAFE, SHOPIFY_STORES_FILE: join(dir, 'absent.yml') })).toEqual([
      `SHOPIFY_STORES_FILE: cannot read ${join(dir, 'absent.yml')}: no such file`,
    ]);
  });

  it('refuses AUTH_MODE=none and a missing router secret as with one store', () => {
    expect(
      problems({ NODE_ENV: 'production', AUTH_MODE: 'none', SHOPIFY_STORES_FILE: file('.yaml', TWO_STORES_YAML), ...SECRETS }),
    ).toEqual([
      'AUTH_MODE: none is not allowed in production: agent tokens must be checked (set AUTH_JWT_SECRET or AUTH_JWKS_URL)',
      'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
    ]);
  });
});
