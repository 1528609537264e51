"""GraphQL documents for the Shopify Admin API, selecting exactly the contract fields.

Kept apart from the source so a reader can diff the selections against
docs/data-contract.md section 3 (raw_shop) at a glance.
"""

import json

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

ORDER_OWN_FIELDS = f"""
  id name email phone createdAt updatedAt processedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus currencyCode
  totalPriceSet {{ {MONEY} }}
  customer {{ id }}
  refunds {{ id createdAt totalRefundedSet {{ {MONEY} }} }}
"""

ORDER_FIELDS = f"""{ORDER_OWN_FIELDS}
  lineItems(first: $lineItemsFirst) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {LINE_ITEM_FIELDS} }} }}
  }}
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

# Bulk operations take connections without page sizes; nested connections come
# back as lines of their own, so line items need no pageInfo.
BULK_ORDER_FIELDS = f"{ORDER_OWN_FIELDS} lineItems {{ edges {{ node {{ {LINE_ITEM_FIELDS} }} }} }}"



def bulk_query(connection: str, fields: str, search: str | None = None) -> str:
    """A bulk operation's query: every node of `connection`, or those `search` selects."""
    arguments = f"(query: {json.dumps(search)})" if search else ""
    return f"{{ {connection}{arguments} {{ edges {{ node {{ {fields} }} }} }} }}"


CUSTOMERS_BULK = bulk_query("customers", CUSTOMER_FIELDS)

ORDERS_BULK = bulk_query("orders", BULK_ORDER_FIELDS)

# How many records a search selects, up to `limit` (Shopify counts at most 10,000
# by default; beyond `limit` the precision is AT_LEAST).
COUNT = """
query Count($query: String, $limit: Int) {{
  {connection}Count(query: $query, limit: $limit) {{ count precision }}
}}
"""

IDS_BULK = "{{ {connection} {{ edges {{ node {{ id }} }} }} }}"
