/**
 * Shopify search syntax for `customers(query:)` and `orders(query:)`: terms AND-ed by default, `OR`, `AND`, `NOT`
 * or a leading `-`, parentheses, `field:value`, `field:"quoted value"`, comparisons (`field:>=2024-01-01`) and
 * `*` wildcards. A field the resource does not know is ignored (it matches everything) and reported as a warning,
 * which is what Shopify does.
 */

export type SearchNode =
  | { kind: 'and' | 'or'; items: SearchNode[] }
  | { kind: 'not'; item: SearchNode }
  | { kind: 'term'; field: string | null; op: Op; value: string };

export type Op = ':' | '>' | '<' | '>=' | '<=';

/** Answers one `field:value` term for a record; undefined means "unknown field". */
export type FieldMatcher<T> = (record: T, field: string | null, op: Op, value: string) => boolean | undefined;

export interface CompiledSearch<T> {
  test(record: T): boolean;
  /** fields the resource does not support, as Shopify reports them */
  warnings: Array<{ field: string; message: string }>;
}

/** Parses a query string; an empty query matches everything. */
export function parseSearch(query: string): SearchNode {
  const tokens = tokenize(query);
  let i = 0;
  const peek = () => tokens[i];
  const parseOr = (): SearchNode => {
    const items = [parseAnd()];
    while (peek() === 'OR') {
      i++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): SearchNode => {
    const items: SearchNode[] = [];
    for (;;) {
      const t = peek();
      if (t === undefined || t === ')' || t === 'OR') break;
      if (t === 'AND') {
        i++;
        continue;
      }
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseUnary = (): SearchNode => {
    const t = tokens[i++]!;
    if (t === 'NOT' || t === '-') return { kind: 'not', item: parseUnary() };
    if (t === '(') {
      const inner = parseOr();
      if (peek() === ')') i++;
      return inner;
    }
    if (t === ')') return { kind: 'and', items: [] };
    return parseTerm(t);
  };
  const root = parseOr();
  return root;
}

function tokenize(query: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === '-' && i + 1 < query.length && !/\s/.test(query[i + 1]!)) {
      out.push('-');
      i++;
    } else {
      let term = '';
      while (i < query.length && !/[\s()]/.test(query[i]!)) {
        const q = query[i]!;
        if (q === '"' || q === "'") {
          const end = query.indexOf(q, i + 1);
          const stop = end < 0 ? query.length : end;
          term += `\u0001${query.slice(i + 1, stop)}\u0001`;
          i = stop + 1;
        } else {
          term += q;
          i++;
        }
      }
      out.push(term);
    }
  }
  return out;
}

function parseTerm(raw: string): SearchNode {
  const unquote = (s: string) => s.replace(/\u0001/g, '');
  const colon = raw.indexOf(':');
  const quoteAt = raw.indexOf('\u0001');
  if (colon <= 0 || (quoteAt >= 0 && quoteAt < colon)) return { kind: 'term', field: null, op: ':', value: unquote(raw) };
  const field = raw.slice(0, colon).toLowerCase();
  let rest = raw.slice(colon + 1);
  let op: Op = ':';
  const m = /^(>=|<=|>|<)/.exec(rest);
  if (m) {
    op = m[1] as Op;
    rest = rest.slice(op.length);
  }
  return { kind: 'term', field, op, value: unquote(rest) };
}

/** Compiles a query for one resource; `fields` answers the terms of the `known` fields. */
export function compileSearch<T>(query: string | null | undefined, known: ReadonlySet<string>, fields: FieldMatcher<T>): CompiledSearch<T> {
  const warnings: CompiledSearch<T>['warnings'] = [];
  if (!query || !query.trim()) return { test: () => true, warnings };
  const root = parseSearch(query);
  const unknown = new Set<string>();
  const scan = (node: SearchNode): void => {
    if (node.kind === 'term') {
      if (node.field && !known.has(node.field) && !unknown.has(node.field)) {
        unknown.add(node.field);
        warnings.push({ field: node.field, message: 'Invalid search field for this query.' });
      }
    } else if (node.kind === 'not') scan(node.item);
    else node.items.forEach(scan);
  };
  scan(root);
  const evaluate = (node: SearchNode, record: T): boolean => {
    switch (node.kind) {
      case 'and':
        return node.items.every((n) => evaluate(n, record));
      case 'or':
        return node.items.some((n) => evaluate(n, record));
      case 'not':
        return !evaluate(node.item, record);
      case 'term':
        // an unknown field filters nothing, as on Shopify
        return node.field && unknown.has(node.field) ? true : (fields(record, node.field, node.op, node.value) ?? true);
    }
  };
  return { test: (record) => evaluate(root, record), warnings };
}

/** Case- and accent-insensitive comparison with `*` wildcards. */
export function textMatches(actual: string | null | undefined, pattern: string): boolean {
  if (actual == null) return false;
  const norm = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  const a = norm(actual);
  const p = norm(pattern);
  if (!p.includes('*')) return a === p;
  const re = new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(a);
}

/** Bare words match the start of any word of the given texts. */
export function wordMatches(texts: Array<string | null | undefined>, word: string): boolean {
  const w = word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\*$/, '');
  if (!w) return true;
  return texts.some((t) => {
    if (!t) return false;
    const n = t
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    if (w.includes(' ')) return n.includes(w);
    return n.split(/[\s@.+\-_']+/).some((part) => part.startsWith(w)) || n.startsWith(w);
  });
}

/** Compares numbers or dates (ISO strings) with a search operator. */
export function compare(actual: number | string | null | undefined, op: Op, value: string): boolean {
  if (actual == null) return false;
  const num = (v: number | string) => (typeof v === 'number' ? v : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number(v));
  const a = num(actual);
  const b = num(value);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (op) {
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    default:
      // a bare date matches the whole day
      return typeof actual === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? actual.startsWith(value) : a === b;
  }
}

/** Digits of a phone number, for comparing "+1 (416) 555-0199" with "+14165550199". */
export function phoneMatches(actual: string | null | undefined, value: string): boolean {
  if (!actual) return false;
  const a = actual.replace(/\D/g, '');
  const v = value.replace(/\D/g, '');
  return v.length > 0 && (a === v || (v.length >= 7 && a.endsWith(v)));
}
