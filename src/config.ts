import { z } from 'zod';
import { loadStoresFile, singleStore, singleStoreVariableChecks, type StoreConfig } from './config-stores.js';
import {
  DEFAULT_WEBHOOK_TTL_S,
  DEFAULT_WEBHOOKS_EXPECT_S,
  DEFAULT_WEBHOOKS_RECENT_S,
  webhookChecks,
  webhookConfig,
  type WebhookConfig,
} from './config-webhooks.js';
import {
  DEFAULT_REFUND_REQUEST_TTL_S,
  MAX_REFUND_REQUEST_TTL_S,
  MIN_REFUND_REQUEST_TTL_S,
  refundChecks,
  refundConfig,
  type RefundConfig,
} from './config-refunds.js';
import { DEFAULT_STORE_HANDLE, STORE_HANDLE_PATTERN } from './domain/stores.js';
import { ADMIN_API_VERSION } from './shopify/schema.js';
import { parseStoreDomain } from './shopify/transport.js';

export { MAX_STORES, type StoreConfig } from './config-stores.js';

/**
 * The environment, validated once at boot. Every problem is reported in one message, by variable name;
 * secret values never appear in it.
 */

/** A switch: true/false (or 1/0, yes/no, on/off); empty or blank means unset, as for every other variable. */
const bool = (fallback: boolean) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v))),
  );

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/**
 * An http(s) URL, or unset when blank. The message never repeats the value: a collector URL may carry credentials.
 */
const optionalHttpUrl = optionalString.refine((v) => v === undefined || isHttpUrl(v), { message: 'must be an http:// or https:// URL' });

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The service name traces are reported under when OTEL_SERVICE_NAME is unset. */
export const DEFAULT_SERVICE_NAME = 'shopify-profile-subgraph';

/** Defaults of the document limits (src/hardening.ts explains the numbers). */
export const LIMIT_DEFAULTS = { maxDepth: 12, maxAliases: 30, maxTokens: 2_000 } as const;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: int(4001, 0, 65535),
  HOST: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  SHOPIFY_STORES_FILE: optionalString,
  SHOPIFY_STORE_DOMAIN: optionalString,
  SHOPIFY_ADMIN_ACCESS_TOKEN: optionalString,
  SHOPIFY_STORE_HANDLE: optionalString
    .refine((v) => v === undefined || STORE_HANDLE_PATTERN.test(v), {
      message: 'must be 1 to 32 lower-case letters, digits or dashes, starting with a letter',
    })
    .transform((v) => v ?? DEFAULT_STORE_HANDLE),
  SHOPIFY_STORE_NAME: optionalString.refine((v) => v === undefined || v.trim().length <= 100, {
    message: 'must be at most 100 characters',
  }),
  SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$|^unstable$/, 'must look like 2026-07')
    .optional()
    .default(ADMIN_API_VERSION),
  SHOPIFY_AUTO_LINK: bool(true),
  SHOPIFY_TIMEOUT_MS: int(10_000, 100, 120_000),
  SHOPIFY_MAX_WAIT_MS: int(5_000, 0, 120_000),
  SHOPIFY_CACHE_TTL_S: int(30, 0, 86_400),
  SHOPIFY_WEBHOOK_SECRET: optionalString,
  PUBLIC_URL: optionalString,
  SHOPIFY_WEBHOOKS_SUBSCRIBED: bool(false),
  SHOPIFY_CACHE_TTL_WEBHOOKS_S: int(DEFAULT_WEBHOOK_TTL_S, 0, 86_400),
  SHOPIFY_WEBHOOKS_RECENT_S: int(DEFAULT_WEBHOOKS_RECENT_S, 10, 7 * 86_400),
  SHOPIFY_WEBHOOKS_EXPECT_S: int(DEFAULT_WEBHOOKS_EXPECT_S, 1, 3_600),
  SHOPIFY_CACHE_MAX_ENTRIES: int(10_000, 100, 10_000_000),
  SHOPIFY_BREAKER_THRESHOLD: int(5, 1, 1_000),
  SHOPIFY_BREAKER_COOLDOWN_MS: int(10_000, 100, 600_000),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'must be 1 to 64 letters, digits or :._-')
    .optional()
    .default('shopify-subgraph:'),
  GRAPHQL_MAX_DEPTH: int(LIMIT_DEFAULTS.maxDepth, 2, 100),
  GRAPHQL_MAX_ALIASES: int(LIMIT_DEFAULTS.maxAliases, 0, 1_000),
  GRAPHQL_MAX_TOKENS: int(LIMIT_DEFAULTS.maxTokens, 100, 5_000),
  GRAPHQL_MAX_REPRESENTATIONS: int(1_000, 1, 100_000),
  SHOPIFY_MAX_EMAILS_PER_PROFILE: int(10, 1, 250),
  SHOPIFY_MAX_CONCURRENT_REQUESTS: int(4, 1, 64),
  SHOPIFY_REFUND_LIMITS: optionalString,
  SHOPIFY_REFUND_REQUEST_TTL_S: int(DEFAULT_REFUND_REQUEST_TTL_S, MIN_REFUND_REQUEST_TTL_S, MAX_REFUND_REQUEST_TTL_S),
  DATABASE_URL: optionalString,
  SQLITE_PATH: z.string().optional().default('./data/subgraph.sqlite'),
  REDIS_URL: optionalString,
  ROUTER_SECRET: optionalString,
  ROUTER_SECRET_OPTIONAL: bool(false),
  AUTH_MODE: z.enum(['jwt', 'none']).optional(),
  AUTH_JWT_SECRET: optionalString,
  AUTH_JWKS_URL: optionalString,
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  DEMO_SEED: int(1, 0, 2 ** 31 - 1),
  DEMO_CUSTOMERS: int(500, 0, 100_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalHttpUrl,
  OTEL_SERVICE_NAME: optionalString.transform((v) => v ?? DEFAULT_SERVICE_NAME),
});

type RawEnv = Record<string, string | undefined>;
type AuthMode = 'jwt' | 'none';

/** The environment with blank values as absent: how the cross-checks and the auth default read it. */
function presentValues(source: RawEnv): RawEnv {
  return Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v?.trim() ? v : undefined]));
}

/**
 * Checks across variables. They read the raw strings, so they run even when a single variable is invalid:
 * the operator sees every problem in one go instead of fixing them one start at a time.
 */
function crossChecks(env: RawEnv, auth: AuthMode): string[] {
  const problems: string[] = [];
  const problem = (variable: string, message: string) => problems.push(`${variable}: ${message}`);
  // With a stores file the token variable may be named by a store's tokenEnv; singleStoreVariableChecks judges it.
  if (!env.SHOPIFY_STORES_FILE && Boolean(env.SHOPIFY_STORE_DOMAIN) !== Boolean(env.SHOPIFY_ADMIN_ACCESS_TOKEN)) {
    const missing = env.SHOPIFY_STORE_DOMAIN ? 'SHOPIFY_ADMIN_ACCESS_TOKEN' : 'SHOPIFY_STORE_DOMAIN';
    problem(missing, 'is required when the other Shopify credential is set (set both, or neither for the demo store)');
  }
  if (env.SHOPIFY_STORE_DOMAIN) {
    try {
      parseStoreDomain(env.SHOPIFY_STORE_DOMAIN);
    } catch (e) {
      problem('SHOPIFY_STORE_DOMAIN', (e as Error).message);
    }
  }
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    problem('DATABASE_URL', 'must start with postgres:// or postgresql:// (leave it unset for SQLite)');
  }
  if (env.REDIS_URL && !/^rediss?:\/\//.test(env.REDIS_URL)) {
    problem('REDIS_URL', 'must start with redis:// or rediss://');
  }
  const production = env.NODE_ENV === 'production';
  if (production && !env.SHOPIFY_STORES_FILE && !env.SHOPIFY_STORE_DOMAIN && !env.SHOPIFY_ADMIN_ACCESS_TOKEN) {
    problem(
      'SHOPIFY_STORE_DOMAIN',
      'is required in production (without a store the built-in demo store would be served); set it and SHOPIFY_ADMIN_ACCESS_TOKEN',
    );
  }
  if (production && env.AUTH_MODE === 'none') {
    problem('AUTH_MODE', 'none is not allowed in production: agent tokens must be checked (set AUTH_JWT_SECRET or AUTH_JWKS_URL)');
  }
  if (auth === 'jwt' && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    problem(
      'AUTH_JWT_SECRET',
      env.AUTH_MODE
        ? 'AUTH_MODE=jwt needs AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL'
        : production
          ? 'production needs agent authentication: set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL'
          : 'a real store needs agent authentication: set AUTH_JWT_SECRET or AUTH_JWKS_URL, or AUTH_MODE=none explicitly',
    );
  }
  if (production) routerSecretChecks(env, problem);
  if (env.AUTH_JWT_SECRET && env.AUTH_JWT_SECRET.length < 32) {
    problem('AUTH_JWT_SECRET', 'must be at least 32 characters');
  }
  if (env.AUTH_JWKS_URL) {
    try {
      new URL(env.AUTH_JWKS_URL);
    } catch {
      problem('AUTH_JWKS_URL', 'must be a URL');
    }
  }
  return problems;
}

/**
 * Agent tokens are checked when asked for, and by default with a real store or in production (where AUTH_MODE=none is
 * refused anyway); only the demo store outside production runs without them by default.
 */
function authMode(env: RawEnv): AuthMode {
  if (env.AUTH_MODE === 'jwt' || env.AUTH_MODE === 'none') return env.AUTH_MODE;
  return env.SHOPIFY_STORE_DOMAIN || env.SHOPIFY_STORES_FILE || env.NODE_ENV === 'production' ? 'jwt' : 'none';
}

/**
 * Production only: without ROUTER_SECRET anyone who reaches the port bypasses the router (and reads `_service`), so
 * it is required unless ROUTER_SECRET_OPTIONAL=true states that the network already lets only the router in.
 */
function routerSecretChecks(env: RawEnv, problem: (variable: string, message: string) => void): void {
  if (env.ROUTER_SECRET && env.ROUTER_SECRET.length < MIN_ROUTER_SECRET) {
    problem('ROUTER_SECRET', `must be at least ${MIN_ROUTER_SECRET} characters in production`);
  }
  if (!env.ROUTER_SECRET && !['true', '1', 'yes', 'on'].includes(env.ROUTER_SECRET_OPTIONAL ?? '')) {
    problem(
      'ROUTER_SECRET',
      'is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
    );
  }
}

const MIN_ROUTER_SECRET = 16;

/** Every environment variable the subgraph reads (deployment manifests are checked against this list). */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** The validated configuration the rest of the program receives (never process.env directly). */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string | undefined;
  logLevel: string;
  /**
   * The stores served, in config order (SHOPIFY_STORES_FILE's order; the one store of SHOPIFY_STORE_DOMAIN): what the
   * app is built from. Empty: run the two built-in demo stores (demo-stores.ts) in-process; never empty in production.
   */
  stores: StoreConfig[];
  apiVersion: string;
  /**
   * SHOPIFY_AUTO_LINK, which the demo stores link by (`first` when true); with stores configured, the first store's
   * (`unique` reads as true) — the app reads each store's own policy.
   */
  autoLink: boolean;
  timeoutMs: number;
  maxWaitMs: number;
  cacheTtlSeconds: number;
  /** in-process cache size (entries), when Redis is not used */
  cacheMaxEntries: number;
  /** consecutive failed Shopify attempts that open the circuit, and how long it stays open before a probe */
  breaker: { threshold: number; cooldownMs: number };
  /**
   * SHOPIFY_WEBHOOK_SECRET, which the demo stores verify webhooks with; with stores configured, the first store's —
   * the app reads each store's own.
   */
  webhookSecret: string | undefined;
  /** managed subscriptions (PUBLIC_URL) and the long TTL while a store's webhooks are verified (config-webhooks.ts) */
  webhooks: WebhookConfig;
  /** default refund limits per scope and the refund requests' expiry (config-refunds.ts) */
  refunds: RefundConfig;
  databaseUrl: string | undefined;
  sqlitePath: string;
  redisUrl: string | undefined;
  /** prefix of every Redis key (cache entries, shared budget), so several deployments can share one Redis */
  redisKeyPrefix: string;
  /**
   * Limits that normal router queries pass and abusive ones do not: document depth, aliases and lexical tokens,
   * `_entities` representations per request, distinct emails looked up per profile, and Shopify requests one
   * incoming request may have in flight at once.
   */
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxRepresentations: number;
    maxEmailsPerProfile: number;
    maxConcurrentShopifyRequests: number;
  };
  routerSecret: string | undefined;
  /** ROUTER_SECRET_OPTIONAL: production without a router secret, because the network lets only the router in */
  routerSecretOptional: boolean;
  auth: {
    mode: 'jwt' | 'none';
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
  };
  demo: { seed: number; customers: number };
  /**
   * OpenTelemetry traces: off (nothing loaded) unless `endpoint` is set, the OTLP/HTTP collector's base URL (spans go
   * to its /v1/traces, as OTEL_EXPORTER_OTLP_ENDPOINT means in the OpenTelemetry spec)
   */
  tracing: { endpoint: string | undefined; serviceName: string };
}

/** Thrown with every problem at once; the message names variables and problems, never values of secrets. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment and returns the Config, or throws ConfigError listing every problem. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(source);
  const present = presentValues(source);
  // Decided once, from the raw values, so the check that a jwt mode has a key and the mode served are the same mode.
  const auth = authMode(present);
  const apiVersion = parsed.success ? parsed.data.SHOPIFY_API_VERSION : ADMIN_API_VERSION;
  // The file is read even when a variable is wrong, so its problems are listed in the same message.
  const file = present.SHOPIFY_STORES_FILE
    ? loadStoresFile(present.SHOPIFY_STORES_FILE, source, apiVersion)
    : { stores: [], problems: [], namedVariables: new Set<string>() };
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)),
    ...file.problems,
    ...singleStoreVariableChecks(present, file.namedVariables),
    ...crossChecks(present, auth),
    ...webhookChecks(present),
    ...refundChecks(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const stores = env.SHOPIFY_STORE_DOMAIN
    ? [
        singleStore({
          domain: env.SHOPIFY_STORE_DOMAIN,
          accessToken: env.SHOPIFY_ADMIN_ACCESS_TOKEN!,
          handle: env.SHOPIFY_STORE_HANDLE,
          name: env.SHOPIFY_STORE_NAME,
          webhookSecret: env.SHOPIFY_WEBHOOK_SECRET,
          autoLink: env.SHOPIFY_AUTO_LINK,
          apiVersion,
        }),
      ]
    : file.stores;
  const first = stores[0];
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    stores,
    apiVersion,
    autoLink: first ? first.autoLink !== 'off' : env.SHOPIFY_AUTO_LINK,
    timeoutMs: env.SHOPIFY_TIMEOUT_MS,
    maxWaitMs: env.SHOPIFY_MAX_WAIT_MS,
    cacheTtlSeconds: env.SHOPIFY_CACHE_TTL_S,
    cacheMaxEntries: env.SHOPIFY_CACHE_MAX_ENTRIES,
    breaker: { threshold: env.SHOPIFY_BREAKER_THRESHOLD, cooldownMs: env.SHOPIFY_BREAKER_COOLDOWN_MS },
    webhookSecret: first ? (first.webhookSecret ?? undefined) : env.SHOPIFY_WEBHOOK_SECRET,
    webhooks: webhookConfig(env),
    refunds: refundConfig(env),
    databaseUrl: env.DATABASE_URL,
    sqlitePath: env.SQLITE_PATH,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    limits: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxRepresentations: env.GRAPHQL_MAX_REPRESENTATIONS,
      maxEmailsPerProfile: env.SHOPIFY_MAX_EMAILS_PER_PROFILE,
      maxConcurrentShopifyRequests: env.SHOPIFY_MAX_CONCURRENT_REQUESTS,
    },
    routerSecret: env.ROUTER_SECRET,
    routerSecretOptional: env.ROUTER_SECRET_OPTIONAL,
    auth: {
      mode: auth,
      jwtSecret: env.AUTH_JWT_SECRET,
      jwksUrl: env.AUTH_JWKS_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
    },
    demo: { seed: env.DEMO_SEED, customers: env.DEMO_CUSTOMERS },
    tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
  };
}
