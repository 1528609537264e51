"""The subset of Shopify's GraphQL Admin API 2025-07 schema the sandbox serves.

Type, field, argument and enum names follow Shopify's reference so that a query
written against the real Admin API validates here too. Data fields are nullable
where the real schema is non-null but a synthetic record may lack the value
(a real response never differs, only the introspection does).
"""

from __future__ import annotations

from graphql import GraphQLSchema, build_schema

_CURRENCIES = (
    "AED AUD BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF IDR ILS INR JPY KRW MXN MYR NOK NZD "
    "PHP PLN RON SAR SEK SGD THB TRY TWD USD ZAR XXX"
)
_COUNTRIES = (
    "AT AU BE BR CA CH CN CZ DE DK ES FI FR GB HK IE IN IT JP KR LU MX NL NO NZ PL PT SE "
    "SG US ZA ZZ"
)

SDL = f"""
schema {{ query: QueryRoot mutation: Mutation }}

scalar DateTime
scalar Decimal
scalar UnsignedInt64
scalar URL

enum CustomerSortKeys {{ CREATED_AT ID LOCATION NAME RELEVANCE UPDATED_AT }}
enum OrderSortKeys {{
  CREATED_AT CUSTOMER_NAME DESTINATION FINANCIAL_STATUS FULFILLMENT_STATUS ID
  ORDER_NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_ITEMS_QUANTITY TOTAL_PRICE UPDATED_AT
}}
enum CustomerState {{ DECLINED DISABLED ENABLED INVITED }}
enum CustomerEmailMarketingState {{
  INVALID NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED
}}
enum CustomerSmsMarketingState {{ NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }}
enum CustomerMarketingOptInLevel {{ CONFIRMED_OPT_IN SINGLE_OPT_IN UNKNOWN }}
enum CurrencyCode {{ {_CURRENCIES} }}
enum CountryCode {{ {_COUNTRIES} }}
enum OrderDisplayFinancialStatus {{
  AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED
}}
enum OrderDisplayFulfillmentStatus {{
  FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT
  REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED
}}

type PageInfo {{
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}}

type MoneyV2 {{ amount: Decimal! currencyCode: CurrencyCode! }}
type MoneyBag {{ shopMoney: MoneyV2! presentmentMoney: MoneyV2 }}

type MailingAddress {{
  id: ID
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCodeV2: CountryCode
  firstName: String
  lastName: String
  name: String
  phone: String
  province: String
  provinceCode: String
  zip: String
}}

type CustomerEmailMarketingConsentState {{
  marketingState: CustomerEmailMarketingState!
  marketingOptInLevel: CustomerMarketingOptInLevel
  consentUpdatedAt: DateTime
}}

type CustomerSmsMarketingConsentState {{
  marketingState: CustomerSmsMarketingState!
  marketingOptInLevel: CustomerMarketingOptInLevel
  consentUpdatedAt: DateTime
}}

type Customer {{
  id: ID!
  firstName: String
  lastName: String
  displayName: String
  email: String
  phone: String
  state: CustomerState
  verifiedEmail: Boolean
  taxExempt: Boolean
  createdAt: DateTime!
  updatedAt: DateTime!
  numberOfOrders: UnsignedInt64
  amountSpent: MoneyV2
  defaultAddress: MailingAddress
  addresses(first: Int): [MailingAddress!]!
  tags: [String!]!
  note: String
  locale: String
  emailMarketingConsent: CustomerEmailMarketingConsentState
  smsMarketingConsent: CustomerSmsMarketingConsentState
}}

type CustomerEdge {{ cursor: String! node: Customer! }}
type CustomerConnection {{ edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }}

type LineItem {{
  id: ID!
  sku: String
  name: String
  title: String
  variantTitle: String
  vendor: String
  quantity: Int
  originalUnitPriceSet: MoneyBag
  discountedTotalSet: MoneyBag
}}
type LineItemEdge {{ cursor: String! node: LineItem! }}
type LineItemConnection {{ edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }}

type Refund {{
  id: ID!
  createdAt: DateTime
  updatedAt: DateTime
  note: String
  totalRefundedSet: MoneyBag
}}

type Order {{
  id: ID!
  name: String!
  email: String
  phone: String
  createdAt: DateTime!
  updatedAt: DateTime!
  processedAt: DateTime
  cancelledAt: DateTime
  closedAt: DateTime
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus
  currencyCode: CurrencyCode
  totalPriceSet: MoneyBag
  subtotalPriceSet: MoneyBag
  totalRefundedSet: MoneyBag
  customer: Customer
  tags: [String!]
  note: String
  test: Boolean
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false):
    LineItemConnection!
  refunds(first: Int): [Refund!]!
}}

type OrderEdge {{ cursor: String! node: Order! }}
type OrderConnection {{ edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }}

enum BulkOperationStatus {{ CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }}
enum BulkOperationErrorCode {{ ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }}
enum BulkOperationType {{ MUTATION QUERY }}
enum BulkOperationUserErrorCode {{ INVALID OPERATION_IN_PROGRESS }}

type BulkOperation {{
  id: ID!
  type: BulkOperationType!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  createdAt: DateTime!
  completedAt: DateTime
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
}}

type BulkOperationUserError {{ field: [String!] message: String! code: BulkOperationUserErrorCode }}
type BulkOperationRunQueryPayload {{
  bulkOperation: BulkOperation
  userErrors: [BulkOperationUserError!]!
}}
type BulkOperationCancelPayload {{ bulkOperation: BulkOperation userErrors: [UserError!]! }}
type UserError {{ field: [String!] message: String! }}

type Mutation {{
  bulkOperationRunQuery(query: String!, groupObjects: Boolean = true): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
}}

enum CountPrecision {{ AT_LEAST EXACT }}
type Count {{ count: Int! precision: CountPrecision! }}

type QueryRoot {{
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  customers(first: Int, after: String, last: Int, before: String, reverse: Boolean = false,
            sortKey: CustomerSortKeys = ID, query: String): CustomerConnection!
  customersCount(query: String, limit: Int = 10000): Count
  customer(id: ID!): Customer
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false,
         sortKey: OrderSortKeys = PROCESSED_AT, query: String): OrderConnection!
  ordersCount(query: String, limit: Int = 10000): Count
  order(id: ID!): Order
}}
"""


def build() -> GraphQLSchema:
    """The executable schema (resolvers are attached by ``shopify.py``)."""
    return build_schema(SDL)
