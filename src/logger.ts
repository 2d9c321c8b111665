import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: JSON lines. Redaction is a second line of defence — the first is never passing
 * tokens or customer PII (emails, names, phones, addresses) to a log call at all.
 */
export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'shopify-profile-subgraph' },
      redact: {
        paths: [
          'accessToken',
          '*.accessToken',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'headers["x-shopify-access-token"]',
          'headers["router-authorization"]',
          'email',
          '*.email',
          'emails',
          '*.emails',
          'phone',
          '*.phone',
          'name',
          '*.name',
        ],
        censor: '[redacted]',
      },
    },
    opts.destination,
  );
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
