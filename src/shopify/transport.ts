/**
 * Where Shopify requests go. @shopify/admin-api-client always builds `https://{storeDomain}/...`; a local
 * simulator speaks plain http, so for loopback hosts only we rewrite the scheme in a custom fetch.
 */

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** True for hosts that never leave this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

export interface StoreEndpoint {
  /** host[:port], as @shopify/admin-api-client wants it */
  storeDomain: string;
  /** http only for loopback hosts */
  protocol: 'https' | 'http';
  /** the handle of the served store behind this endpoint: every customer and order read through it names its store */
  handle?: string;
}

/**
 * Parses SHOPIFY_STORE_DOMAIN: `shop.myshopify.com`, `https://shop.myshopify.com` or `http://127.0.0.1:4100`.
 * Throws a message naming the problem when the value is unusable (plain http to a non-loopback host included).
 */
export function parseStoreDomain(input: string): StoreEndpoint {
  const raw = input.trim();
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${input}" is not a host name or URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`scheme ${url.protocol} is not http or https`);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error('must be a host (and port), without a path');
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  if (protocol === 'http' && !isLoopbackHost(url.hostname)) {
    throw new Error(`plain http is allowed only for loopback hosts (localhost, 127.x, ::1), not ${url.hostname}`);
  }
  return { storeDomain: url.host, protocol };
}

/** A fetch for @shopify/admin-api-client's customFetchApi that sends plain http when the endpoint asks for it. */
export function endpointFetch(endpoint: StoreEndpoint, baseFetch: typeof fetch = fetch): typeof fetch {
  if (endpoint.protocol === 'https') return baseFetch;
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return baseFetch(url.replace(/^https:\/\//, 'http://'), init);
  }) as typeof fetch;
}

/** The Shopify admin page of a customer or order, for agents to open in one click. */
export function adminUrl(endpoint: StoreEndpoint, resource: 'customers' | 'orders' | 'discounts', gid: string): string {
  const id = gid.slice(gid.lastIndexOf('/') + 1);
  const shop = /^([a-z0-9][a-z0-9-]*)\.myshopify\.com$/i.exec(endpoint.storeDomain);
  if (shop) return `https://admin.shopify.com/store/${shop[1]}/${resource}/${id}`;
  return `${endpoint.protocol}://${endpoint.storeDomain}/admin/${resource}/${id}`;
}
