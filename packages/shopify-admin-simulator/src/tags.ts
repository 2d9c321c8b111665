/**
 * Shopify's tag rules, shared by orderUpdate, draftOrderCreate, tagsAdd and tagsRemove:
 * - each string given may be one tag or a comma-separated list of them ("tag1, tag2"), as the tagsAdd docs say; each
 *   tag is trimmed and blanks are dropped;
 * - a tag already on the resource (compared case-insensitively) is not added twice;
 * - length and count limits per resource type. Documented: an order's and a draft order's tag at most 40 characters
 *   (REST Order and DraftOrder `tags`), a customer's at most 255 characters and 250 tags (CustomerInput `tags`), 250
 *   tags (the product limit's changelog, whose message "Tags cannot be more than 250." is used here). Not documented:
 *   the count limit of orders and draft orders (250 assumed, as for customers and products) and the wording of the
 *   too-long message.
 * Whether Shopify returns tags sorted is not confirmed: they are kept in the order they were given.
 */
import type { FieldError } from './refunds.js';

export interface TagRules {
  maxLength: number;
  maxCount: number;
}

export type TaggableType = 'Order' | 'DraftOrder' | 'Customer';

export const TAG_RULES: Readonly<Record<TaggableType, TagRules>> = {
  Order: { maxLength: 40, maxCount: 250 },
  DraftOrder: { maxLength: 40, maxCount: 250 },
  Customer: { maxLength: 255, maxCount: 250 },
};

const key = (tag: string) => tag.toLowerCase();

/** The tags named by the given strings: comma-split, trimmed, blanks dropped, case-insensitive duplicates dropped. */
export function splitTags(values: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values)
    for (const part of String(v).split(',')) {
      const tag = part.trim();
      if (!tag || seen.has(key(tag))) continue;
      seen.add(key(tag));
      out.push(tag);
    }
  return out;
}

/** What breaks the rules in a resource's full list of tags; empty when it may be stored. */
export function tagProblems(tags: readonly string[], rules: TagRules, field: string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (tags.some((t) => [...t].length > rules.maxLength))
    errors.push({ field, message: `Tags cannot be longer than ${rules.maxLength} characters each.` });
  if (tags.length > rules.maxCount) errors.push({ field, message: `Tags cannot be more than ${rules.maxCount}.` });
  return errors;
}

/** The resource's tags with `adding` appended (those it already has, in any case, are skipped), or why not. */
export function withTagsAdded(
  existing: readonly string[],
  adding: readonly string[],
  rules: TagRules,
): { tags: string[]; errors: FieldError[] } {
  const have = new Set(existing.map(key));
  const tags = [...existing, ...splitTags(adding).filter((t) => !have.has(key(t)))];
  const errors = tagProblems(tags, rules, ['tags']);
  return { tags: errors.length ? [...existing] : tags, errors };
}

/** The resource's tags without `removing` (compared case-insensitively); a tag it does not have is ignored. */
export function withTagsRemoved(existing: readonly string[], removing: readonly string[]): string[] {
  const drop = new Set(splitTags(removing).map(key));
  return existing.filter((t) => !drop.has(key(t)));
}
