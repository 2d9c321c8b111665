/**
 * The DateTime scalar. Inputs must be an ISO 8601 (RFC 3339) date and time with a UTC offset: a date alone, a time
 * without an offset (whose zone would be the server's guess) or an impossible date is refused before any resolver
 * runs. Outputs are passed through exactly as Shopify and our store give them ("2026-06-24T23:15:16Z" stays so):
 * graphql-scalars' DateTime would reformat them to milliseconds, and its 2.x needs Node 22.
 */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const RULE = 'An ISO 8601 date and time with a UTC offset is needed, such as "2031-01-01T09:00:00Z" or "2031-01-01T10:00:00+01:00"';
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

/** What a refused value was, briefly (never the whole of a huge input). */
function describe(value: unknown): string {
  if (typeof value === 'string') return `got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'got a list';
  return `got ${value === null ? 'null' : `a ${typeof value}`}`;
}

/** True for a date-time string with an offset whose fields name a real instant (no 30 February, no hour 24). */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Checks an input DateTime and returns it unchanged; throws naming the rule and what was given. A plain TypeError, not
 * a GraphQLError: graphql-js then prefixes the type and the argument's path (`Expected type "DateTime".`) the same
 * way whichever copy of graphql (ESM or CommonJS) loaded this file.
 */
export function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !isDateTime(value)) throw new TypeError(`${RULE}; ${describe(value)}`);
  return value;
}

const LITERAL_KINDS: Partial<Record<Kind, string>> = {
  [Kind.INT]: 'a number',
  [Kind.FLOAT]: 'a number',
  [Kind.BOOLEAN]: 'a boolean',
  [Kind.NULL]: 'null',
  [Kind.ENUM]: 'an enum value',
  [Kind.LIST]: 'a list',
  [Kind.OBJECT]: 'an object',
};

function parseLiteral(node: ValueNode): string {
  if (node.kind !== Kind.STRING) throw new TypeError(`${RULE}; got ${LITERAL_KINDS[node.kind] ?? 'a variable'}`);
  return parseDateTime(node.value);
}

/**
 * The DateTime scalar: strict on input, pass-through on output. No description here: @apollo/subgraph copies every
 * set property onto the SDL's scalar, and schema.graphql's description is the contract.
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    throw new TypeError(`DateTime cannot represent ${describe(value)}`);
  },
  parseValue: parseDateTime,
  parseLiteral,
});
