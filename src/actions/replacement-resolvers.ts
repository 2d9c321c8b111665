/** Placeholder: filled in by the issue-15 work on this action group. */
import type { Resolvers } from '../__generated__/resolvers.js';

export const replacementResolvers: Resolvers = {};
