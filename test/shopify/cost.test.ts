/** The client's cost estimate (src/shopify/cost.ts) against the same hand-computed cases as the simulator's own rules. */
import { describeShopifyCostRules } from 'shopify-admin-simulator/testing';
import { actualCost, requestedCost } from '../../src/shopify/cost.js';

describeShopifyCostRules('src/shopify/cost.ts', { requestedCost, actualCost });
