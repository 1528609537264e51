"""GraphQL documents for the Shopify Admin API, selecting exactly the contract fields.

Kept apart from the source so a reader can diff the selections against
docs/data-contract.md section 3 (raw_shop) at a glance.
"""

MONEY = "shopMoney { amount currencyCode }"

CUSTOMER_FIELDS = """
  id firstName lastName email phone state verifiedEmail createdAt updatedAt
  numberOfOrders tags
  amountSpent { amount currencyCode }
  defaultAddress { address1 address2 city province zip countryCodeV2 phone }
  emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
  smsMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
"""

LINE_ITEM_FIELDS = f"id sku name quantity originalUnitPriceSet {{ {MONEY} }}"

ORDER_FIELDS = f"""
  id name email phone createdAt updatedAt processedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus currencyCode
  totalPriceSet {{ {MONEY} }}
  customer {{ id }}
  lineItems(first: $lineItemsFirst) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {LINE_ITEM_FIELDS} }} }}
  }}
  refunds {{ id createdAt totalRefundedSet {{ {MONEY} }} }}
"""

CUSTOMERS = f"""
query Customers($first: Int!, $after: String, $query: String) {{
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {CUSTOMER_FIELDS} }} }}
  }}
}}
"""

ORDERS = f"""
query Orders($first: Int!, $after: String, $query: String, $lineItemsFirst: Int!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {ORDER_FIELDS} }} }}
  }}
}}
"""

ORDER_LINE_ITEMS = f"""
query OrderLineItems($id: ID!, $first: Int!, $after: String) {{
  order(id: $id) {{
    lineItems(first: $first, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      edges {{ node {{ {LINE_ITEM_FIELDS} }} }}
    }}
  }}
}}
"""

IDS = """
query Ids($first: Int!, $after: String) {{
  {connection}(first: $first, after: $after, sortKey: ID) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ id }} }}
  }}
}}
"""
