/**
 * Shopify webhook signatures: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw request body with the
 * app's secret. Checked on the exact bytes received (a re-serialized body would not match) and compared in
 * constant time, so the comparison leaks nothing about how much of a forged signature was right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The signature Shopify would send for this body. */
export function signWebhook(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** True only when `header` is exactly the body's signature; any malformed, missing or wrong-length header is false. */
export function verifyWebhook(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !BASE64.test(header.trim())) return false;
  const given = Buffer.from(header.trim(), 'base64');
  const expected = createHmac('sha256', secret).update(body).digest();
  // timingSafeEqual throws on different lengths; the length of a SHA-256 digest is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
