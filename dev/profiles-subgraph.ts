/**
 * The demo profiles subgraph: owns CustomerProfile { id name emails } over an in-memory list. `npm run dev` seeds it
 * from the demo stores' customers (a customer of both stores is one profile); tests pass their own list.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readFileSync } from 'node:fs';
import { GraphQLError, parse } from 'graphql';
import { drainPlugin, serveApollo } from './serve.js';

/** A profile as the demo profiles subgraph holds it. */
export interface DemoProfile {
  id: string;
  name: string;
  emails: string[];
}

/** A demo store customer as `GET /__simulator/customers` lists it. */
export interface SimCustomer {
  id: string;
  email: string | null;
  phone: string | null;
  displayName: string;
  numberOfOrders: number;
  /** the customer's total spent, a decimal string in the store's currency (the simulator lists it; test fixtures may not) */
  amountSpent?: string;
}

/** Where the profiles SDL lives; supergraph.yaml points rover at the same file. */
export const PROFILES_SDL_PATH = new URL('./profiles.graphql', import.meta.url);

/** The profiles subgraph's SDL: what this subgraph requires of the entity's owner, plus the demo queries. */
export const PROFILES_SDL = readFileSync(PROFILES_SDL_PATH, 'utf8');

/** Most profiles one `profiles` page returns. */
const MAX_PAGE = 100;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The profiles subgraph's schema over a fixed list (kept in the list's order). */
export function createProfilesSchema(profiles: readonly DemoProfile[]) {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const byEmail = new Map<string, DemoProfile>();
  for (const p of profiles) for (const e of p.emails) if (!byEmail.has(e.toLowerCase())) byEmail.set(e.toLowerCase(), p);
  const index = new Map(profiles.map((p, i) => [p.id, i]));
  return buildSubgraphSchema({
    typeDefs: parse(PROFILES_SDL),
    resolvers: {
      Query: {
        profile: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
        profiles: (_: unknown, args: { first: number; after?: string | null; ids?: string[] | null }) => {
          if (args.ids) return args.ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
          if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) {
            throw badInput(`first must be from 1 to ${MAX_PAGE}, got ${args.first}`);
          }
          let start = 0;
          if (args.after != null) {
            const at = index.get(args.after);
            if (at === undefined) throw badInput(`after: no profile has the id ${JSON.stringify(args.after)}`);
            start = at + 1;
          }
          return profiles.slice(start, start + args.first);
        },
        profileByEmail: (_: unknown, { email }: { email: string }) => byEmail.get(email.trim().toLowerCase()) ?? null,
      },
      CustomerProfile: { __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null },
    } as never,
  });
}

/** How often the demo seed adds a second email, and a profile with no Shopify customer. */
const SECOND_EMAIL_EVERY = 7;
const NO_SHOPIFY_EVERY = 25;

/**
 * Profiles that match the demo stores: one per customer, in the order given (the first store's customers, then the
 * next store's), named as the customer, with the customer's email. A customer whose email an earlier customer already
 * has (the same person in a second store) adds no profile: that one profile is linked in both stores. Every 7th
 * profile's customer also has a work address *first* that matches nobody (so auto-linking has to look past the first
 * email); customers without an email get a profile without emails (for manual linking); after every 25th customer
 * comes a profile that no Shopify customer matches. Deterministic for a given customer list.
 */
export function demoProfiles(customers: readonly SimCustomer[]): DemoProfile[] {
  const out: DemoProfile[] = [];
  const nextId = () => `profile-${String(out.length + 1).padStart(4, '0')}`;
  const seen = new Set<string>();
  const people = customers.filter((c) => {
    if (!c.email) return true;
    const key = c.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  people.forEach((c, i) => {
    const emails = c.email ? [c.email] : [];
    if (c.email && (i + 1) % SECOND_EMAIL_EVERY === 0) emails.unshift(`${c.email.split('@')[0]}@work.example`);
    out.push({ id: nextId(), name: c.displayName, emails });
    if ((i + 1) % NO_SHOPIFY_EVERY === 0) {
      const n = (i + 1) / NO_SHOPIFY_EVERY;
      out.push({ id: nextId(), name: `Walk-in Visitor ${n}`, emails: [`visitor${n}@no-shop.example`] });
    }
  });
  return out;
}

/** A running profiles subgraph. */
export interface ProfilesSubgraph {
  /** its GraphQL endpoint (`http://host:port/graphql`) */
  url: string;
  close(): Promise<void>;
}

/** Starts the profiles subgraph over `profiles` on `port` (0 = any free port); `portVariable` names it in errors. */
export async function startProfilesSubgraph(opts: {
  profiles: readonly DemoProfile[];
  port: number;
  host?: string;
  portVariable?: string;
}): Promise<ProfilesSubgraph> {
  const schema = createProfilesSchema(opts.profiles);
  const { url, close } = await serveApollo({
    // No Apollo Studio here, so no inline traces (and no start-up notice about them).
    build: (httpServer) =>
      new ApolloServer({
        schema,
        plugins: [drainPlugin(httpServer), ApolloServerPluginInlineTraceDisabled()],
        // The process that runs it (npm run dev, a test) decides when to stop, not a signal handler of Apollo's.
        stopOnTerminationSignals: false,
      }),
    port: opts.port,
    host: opts.host ?? '127.0.0.1',
    variable: opts.portVariable ?? 'PROFILES_PORT',
  });
  // Any path serves GraphQL; /graphql matches this subgraph's own endpoint and supergraph.yaml.
  return { url: `${url}graphql`, close };
}
