/**
 * The domain shapes our resolvers work with (codegen mappers). Shopify's shapes stop at the mappers in
 * ./mappers.ts; everything past them speaks these types.
 */

/** A reference to a profile, as the router sends it in `_entities`. */
export interface ProfileRef {
  id: string;
  /** Undefined when the router did not send them (it must, because of @requires). */
  emails?: ReadonlyArray<string> | null;
}

export interface Money {
  /** decimal string, never a float */
  amount: string;
  currencyCode: string;
}

export interface CustomerModel {
  id: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  acceptsMarketing: boolean;
  createdAt: string;
  shopifyUrl: string;
  note: string | null;
  totalSpent: Money;
  totalOrders: number;
  tags: string[];
  /** the handle of the served store it was read from (absent only when mapped outside one: unit tests) */
  store?: string;
}

export type FinancialStatus =
  'PENDING' | 'AUTHORIZED' | 'PARTIALLY_PAID' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'VOIDED' | 'EXPIRED';
export type FulfillmentStatus =
  | 'UNFULFILLED'
  | 'PARTIALLY_FULFILLED'
  | 'FULFILLED'
  | 'RESTOCKED'
  | 'PENDING_FULFILLMENT'
  | 'OPEN'
  | 'IN_PROGRESS'
  | 'ON_HOLD'
  | 'SCHEDULED'
  | 'REQUEST_DECLINED';

export interface OrderModel {
  id: string;
  orderNumber: string;
  buyerAcceptsMarketing: boolean;
  type: string | null;
  shopifyUrl: string;
  total: Money;
  totalRefunded: Money;
  firstTrackingNumber: string | null;
  firstTrackingUrl: string | null;
  createdAt: string;
  status: string;
  financialStatus: FinancialStatus | null;
  fulfillmentStatus: FulfillmentStatus | null;
  cancelledAt: string | null;
  note: string | null;
  locationName: string | null;
  locationCountry: string | null;
  /** null when line items were not fetched (the query did not select them) */
  products: LineItemModel[] | null;
  canCancel: boolean;
  refundable: boolean;
  tags: string[];
  /**
   * Where it ships to: null when it has none; undefined when it was not read (the request did not select it).
   * Personal data: never logged.
   */
  shippingAddress?: MailingAddress | null;
  /** see ./availability.ts: the same rules the actions check */
  canEditShippingAddress: boolean;
  canReplace: boolean;
  /** the handle of the served store it was read from (absent only when mapped outside one: unit tests) */
  store?: string;
}

/** A postal address (personal data: never logged). */
export interface MailingAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface LineItemModel {
  id: string;
  orderId: string;
  productId: string | null;
  name: string;
  quantity: number;
  sku: string | null;
  status: string | null;
  unitPrice: Money;
  imageUrl: string | null;
  /** not in the contract; the refund action checks against it */
  refundableQuantity: number;
}

export interface LinkModel {
  customerId: string;
  method: 'MANUAL' | 'AUTO_EMAIL';
  matchedEmail: string | null;
  linkedAt: string | null;
  linkedBy: string | null;
}

/** A customer with as much of its order history as a request asked for. */
export interface CustomerBundle {
  customer: CustomerModel;
  /** newest first; undefined when orders were not fetched */
  orders?: OrderModel[];
}
