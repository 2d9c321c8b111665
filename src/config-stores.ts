import { z } from 'zod';
import { readStructuredFile } from './config-file.js';
import {
  ALL_ACTIONS_ON,
  AUTO_LINK_POLICIES,
  STORE_ACTIONS,
  STORE_HANDLE_PATTERN,
  type AutoLinkPolicy,
  type StoreActions,
  type StoreHandle,
} from './domain/stores.js';
import { parseStoreDomain, type StoreEndpoint } from './shopify/transport.js';

/**
 * The stores this subgraph serves: read from SHOPIFY_STORES_FILE (1 to 20 stores), or the one store of
 * SHOPIFY_STORE_DOMAIN. The file names the environment variables that hold each store's secrets, never the secrets,
 * so it can live in a ConfigMap or the repository while the tokens stay in a Secret.
 */

/** One configured store, everything a caller needs to reach it and to apply its rules. */
export interface StoreConfig {
  handle: StoreHandle;
  /** what agents see (ShopifyStore.name) */
  name: string;
  endpoint: StoreEndpoint;
  accessToken: string;
  /** null: this store's webhooks cannot be verified, so they are refused */
  webhookSecret: string | null;
  actions: StoreActions;
  autoLink: AutoLinkPolicy;
  apiVersion: string;
}

type RawEnv = Record<string, string | undefined>;

/** Most stores one subgraph serves (issue 13): enough for a brand's regional and wholesale stores. */
export const MAX_STORES = 20;

const VARIABLE = 'SHOPIFY_STORES_FILE';
const STORE_KEYS = ['handle', 'name', 'domain', 'tokenEnv', 'webhookSecretEnv', 'actions', 'autoLink'] as const;
const HANDLE_RULE = 'must be 1 to 32 lower-case letters, digits or dashes, starting with a letter';
/**
 * Upper-case names only: a Shopify token (`shpat_` and lower-case hex) would otherwise pass as a name, and the
 * "is not set" message would print it. Names that fail are never repeated.
 */
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
const ENV_NAME_RULE = 'must be the NAME of an environment variable (A-Z, 0-9 and _, like US_SHOPIFY_TOKEN), not the secret itself';

/** The outcome of reading the stores file: the stores when `problems` is empty, and the variables it names. */
export interface StoresFileResult {
  stores: StoreConfig[];
  problems: string[];
  /**
   * Environment variables named by tokenEnv / webhookSecretEnv, so single-store variables they name are not "unused";
   * null when the file could not be read, so nothing is called unused on a guess.
   */
  namedVariables: Set<string> | null;
}

/** Reads, parses and validates the stores file at `path`, looking up the secrets it names in `env`. */
export function loadStoresFile(path: string, env: RawEnv, apiVersion: string): StoresFileResult {
  const namedVariables = new Set<string>();
  const read = readStructuredFile(path);
  if ('problem' in read) return { stores: [], problems: [`${VARIABLE}: ${read.problem}`], namedVariables: null };
  // An empty file, a bare list or a scalar: say what the file should hold rather than "must be a mapping".
  if (typeof read.data !== 'object' || read.data === null || Array.isArray(read.data)) {
    return { stores: [], problems: [`${VARIABLE}: ${path} must hold a mapping with a "stores" list`], namedVariables: null };
  }
  const parsed = storesFileSchema(env, namedVariables, apiVersion).safeParse(read.data, { error: issueMessage });
  const problems = [
    ...storeCount(read.data),
    ...(parsed.success ? [] : parsed.error.issues.flatMap(describeIssue)),
    ...duplicates(read.data),
  ];
  if (!parsed.success || problems.length > 0) return { stores: [], problems, namedVariables };
  return { stores: parsed.data.stores, problems: [], namedVariables };
}

/** The one store of SHOPIFY_STORE_DOMAIN: today's single-store configuration as a StoreConfig. */
export function singleStore(settings: {
  domain: string;
  accessToken: string;
  handle: StoreHandle;
  name: string | undefined;
  webhookSecret: string | undefined;
  autoLink: boolean;
  apiVersion: string;
}): StoreConfig {
  const endpoint = parseStoreDomain(settings.domain);
  return {
    handle: settings.handle,
    name: settings.name?.trim() || endpoint.storeDomain,
    endpoint,
    accessToken: settings.accessToken,
    webhookSecret: settings.webhookSecret ?? null,
    actions: ALL_ACTIONS_ON,
    autoLink: settings.autoLink ? 'first' : 'off',
    apiVersion: settings.apiVersion,
  };
}

/**
 * With SHOPIFY_STORES_FILE the single-store variables do nothing, and a variable silently ignored is a store
 * misconfigured in production: each one set is a problem, unless the file names it as a store's secret.
 */
export function singleStoreVariableChecks(env: RawEnv, namedVariables: Set<string> | null): string[] {
  if (!env.SHOPIFY_STORES_FILE) {
    // Without a store domain these two would name nothing: the demo store runs.
    return env.SHOPIFY_STORE_DOMAIN
      ? []
      : (['SHOPIFY_STORE_HANDLE', 'SHOPIFY_STORE_NAME'] as const)
          .filter((v) => env[v])
          .map((v) => `${v}: names the store of SHOPIFY_STORE_DOMAIN, which is not set`);
  }
  const problems: string[] = [];
  if (env.SHOPIFY_STORE_DOMAIN) {
    problems.push(
      `${VARIABLE}: cannot be used with SHOPIFY_STORE_DOMAIN (list that store in the file, or unset ${VARIABLE} for a single store)`,
    );
  }
  const inFile: Record<string, string> = {
    SHOPIFY_ADMIN_ACCESS_TOKEN: "name it as a store's tokenEnv, or unset it",
    SHOPIFY_WEBHOOK_SECRET: "name it as a store's webhookSecretEnv, or unset it",
    SHOPIFY_STORE_HANDLE: "set each store's handle in the file",
    SHOPIFY_STORE_NAME: "set each store's name in the file",
    SHOPIFY_AUTO_LINK: "set each store's autoLink in the file",
  };
  for (const [variable, fix] of Object.entries(inFile)) {
    if (namedVariables && env[variable] && !namedVariables.has(variable))
      problems.push(`${variable}: is not used with ${VARIABLE}: ${fix}`);
  }
  return problems;
}

/** A variable named by the file: the name must be valid, and its value set and non-blank; the value is kept. */
function namedSecret(env: RawEnv, named: Set<string>) {
  return z.string().transform((name, ctx) => {
    if (!ENV_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', message: ENV_NAME_RULE });
      return z.NEVER;
    }
    named.add(name);
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `${name} is ${value === undefined ? 'not set' : 'blank'}` });
      return z.NEVER;
    }
    return value;
  });
}

function storesFileSchema(env: RawEnv, named: Set<string>, apiVersion: string) {
  const actions = z.strictObject(
    Object.fromEntries(STORE_ACTIONS.map((a) => [a, z.boolean().default(true)])) as Record<keyof StoreActions, z.ZodDefault<z.ZodBoolean>>,
  );
  const store = z
    .strictObject({
      handle: z.string().regex(STORE_HANDLE_PATTERN, { error: HANDLE_RULE }),
      name: z.string().trim().min(1, { error: 'must be 1 to 100 characters' }).max(100, { error: 'must be 1 to 100 characters' }),
      domain: z.string().transform((domain, ctx) => {
        try {
          return parseStoreDomain(domain);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
          return z.NEVER;
        }
      }),
      tokenEnv: namedSecret(env, named),
      // YAML writes an empty `webhookSecretEnv:` as null: the same as leaving it out.
      webhookSecretEnv: namedSecret(env, named).nullish(),
      actions: actions.default(ALL_ACTIONS_ON),
      autoLink: z.enum(AUTO_LINK_POLICIES as [AutoLinkPolicy, ...AutoLinkPolicy[]]).default('first'),
    })
    .transform((s): StoreConfig => ({
      handle: s.handle,
      name: s.name,
      endpoint: s.domain,
      accessToken: s.tokenEnv,
      webhookSecret: s.webhookSecretEnv ?? null,
      actions: s.actions,
      autoLink: s.autoLink,
      apiVersion,
    }));
  // The count is checked apart (storeCount): zod skips an array's checks once an entry has an issue.
  return z.strictObject({ stores: z.array(store) });
}

/**
 * Messages for zod's own issues, written so that none repeats the value it was given (a secret pasted in the wrong
 * field stays unprinted).
 */
function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `must be ${issue.values
        .map(String)
        .join(', ')
        .replace(/, ([^,]*)$/, ' or $1')}`;
    default:
      return 'is not valid';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

/** One problem per issue (and per unknown key), named by its path in the file. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) =>
      printableKey(key)
        ? `${label([...issue.path, key])}: is not a known key (${known})`
        : `${label(issue.path)}: has a key that is not known (${known})`,
    );
  }
  return [`${label(issue.path)}: ${issue.message}`];
}

function knownKeys(path: PropertyKey[]): string {
  if (path.length === 0) return 'stores';
  if (path.at(-1) === 'actions') return STORE_ACTIONS.join(', ');
  return STORE_KEYS.join(', ');
}

/** Keys are repeated only when they look like a field name, not like a token pasted as a key. */
function printableKey(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(key) && !/^shp[a-z]{2}_/i.test(key);
}

/** `SHOPIFY_STORES_FILE stores[1].tokenEnv`, or the variable alone for the file as a whole. */
function label(path: PropertyKey[]): string {
  const where = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
  return where ? `${VARIABLE} ${where}` : VARIABLE;
}

/** 1 to MAX_STORES stores, said whatever else is wrong with them. */
function storeCount(data: unknown): string[] {
  const stores = (data as { stores?: unknown }).stores;
  if (!Array.isArray(stores) || (stores.length >= 1 && stores.length <= MAX_STORES)) return [];
  return [`${label(['stores'])}: must list 1 to ${MAX_STORES} stores, not ${stores.length}`];
}

/** Handles and domains used twice, from the raw entries so they are found even when other fields are wrong. */
function duplicates(data: unknown): string[] {
  const stores = (data as { stores?: unknown } | null)?.stores;
  if (!Array.isArray(stores)) return [];
  const problems: string[] = [];
  const handles = new Map<string, number>();
  const domains = new Map<string, number>();
  stores.forEach((entry: unknown, i) => {
    const { handle, domain } = (entry ?? {}) as { handle?: unknown; domain?: unknown };
    if (typeof handle === 'string' && STORE_HANDLE_PATTERN.test(handle)) {
      const first = handles.get(handle);
      if (first === undefined) handles.set(handle, i);
      else problems.push(`${label(['stores', i, 'handle'])}: "${handle}" is already the handle of stores[${first}]`);
    }
    const host = typeof domain === 'string' ? storeDomainOrNull(domain) : null;
    if (host !== null) {
      const first = domains.get(host);
      if (first === undefined) domains.set(host, i);
      else problems.push(`${label(['stores', i, 'domain'])}: ${host} is already the domain of stores[${first}]`);
    }
  });
  return problems;
}

function storeDomainOrNull(domain: string): string | null {
  try {
    return parseStoreDomain(domain).storeDomain.toLowerCase();
  } catch {
    return null;
  }
}
