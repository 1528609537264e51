"""A tiny hand-made warehouse: raw_* and identity tables in the exact column names of
docs/data-contract.md §3/§4, with the cases the dbt models must get right."""

from __future__ import annotations

import hashlib

import duckdb


def member_id(email: str) -> str:
    """Mailchimp's member id: md5 of the lower-cased email."""
    return hashlib.md5(email.lower().encode()).hexdigest()


ANNA, CARLA, DAVE = (
    member_id("anna.schmidt@example.com"),
    member_id("carla.rossi@example.com"),
    member_id("dave@example.com"),
)
# as dlt writes one: `str(time.time())`, seven decimals (the timestamp keeps six)
LOAD = "'1732363245.1234561'"

SQL = f"""
create schema raw_shop; create schema raw_erp; create schema raw_email;
create schema raw_social; create schema identity;

create table raw_shop.customers (
    id varchar, first_name varchar, last_name varchar, email varchar, phone varchar,
    state varchar, verified_email boolean, created_at timestamptz, updated_at timestamptz,
    number_of_orders bigint, amount_spent__amount varchar, amount_spent__currency_code varchar,
    default_address__address1 varchar, default_address__address2 varchar,
    default_address__city varchar, default_address__province varchar,
    default_address__zip varchar, default_address__country_code_v2 varchar,
    default_address__phone varchar,
    email_marketing_consent__marketing_state varchar,
    email_marketing_consent__marketing_opt_in_level varchar,
    email_marketing_consent__consent_updated_at timestamptz,
    sms_marketing_consent__marketing_state varchar,
    sms_marketing_consent__marketing_opt_in_level varchar,
    sms_marketing_consent__consent_updated_at timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_shop.customers values
    ('gid://shopify/Customer/1001', 'Anna', 'Schmidt', 'anna.schmidt@example.com',
     '+49 30 1234567', 'ENABLED', true, '2024-01-05T09:00:00Z', '2025-01-10T09:00:00Z',
     2, '150.00', 'EUR', 'Hauptstr. 1', null, 'Berlin', 'BE', '10115', 'DE', null,
     'SUBSCRIBED', 'SINGLE_OPT_IN', '2025-01-10T09:00:00Z', 'NOT_SUBSCRIBED', 'UNKNOWN', null,
     {LOAD}, 'c1'),
    ('gid://shopify/Customer/1002', ' Ben ', 'Müller', 'ben.mueller@example.com',
     null, 'ENABLED', true, '2024-03-01T10:00:00Z', '2025-03-01T12:00:00Z',
     1, '75.25', 'EUR', 'Leopoldstr. 5', '', 'München', 'BY', '80802', 'DE', '+49 89 555000',
     'SUBSCRIBED', 'CONFIRMED_OPT_IN', '2025-03-01T12:00:00+01:00', null, null, null,
     {LOAD}, 'c2'),
    ('gid://shopify/Customer/1003', 'Carla', 'Rossi', 'carla.rossi@example.com',
     null, 'DISABLED', false, '2024-06-01T10:00:00Z', '2024-12-01T10:00:00Z',
     0, '0.00', 'EUR', null, null, null, null, null, null, null,
     'UNSUBSCRIBED', 'SINGLE_OPT_IN', '2024-12-01T10:00:00Z', null, null, null,
     {LOAD}, 'c3');

create table raw_shop.orders (
    id varchar, name varchar, email varchar, phone varchar, created_at timestamptz,
    updated_at timestamptz, processed_at timestamptz, cancelled_at timestamptz,
    display_financial_status varchar, display_fulfillment_status varchar,
    currency_code varchar, total_price_set__shop_money__amount varchar,
    total_price_set__shop_money__currency_code varchar, customer__id varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_shop.orders values
    ('gid://shopify/Order/5001', '#1001', 'anna.schmidt@example.com', null,
     '2025-01-15T10:00:00Z', '2025-01-20T10:00:00Z', '2025-01-15T10:00:00Z', null,
     'PARTIALLY_REFUNDED', 'FULFILLED', 'EUR', '100.00', 'EUR',
     'gid://shopify/Customer/1001', {LOAD}, 'o1'),
    ('gid://shopify/Order/5002', '#1002', 'anna.schmidt@example.com', null,
     '2025-01-18T10:00:00Z', '2025-01-21T10:00:00Z', '2025-01-18T10:00:00Z',
     '2025-01-21T10:00:00Z', 'REFUNDED', 'UNFULFILLED', 'EUR', '50.00', 'EUR',
     'gid://shopify/Customer/1001', {LOAD}, 'o2'),
    ('gid://shopify/Order/5003', '#1003', 'ben.mueller@example.com', null,
     '2025-03-05T10:00:00Z', '2025-03-05T10:00:00Z', '2025-03-05T10:00:00Z', null,
     'PAID', 'FULFILLED', 'EUR', '75.25', 'EUR',
     'gid://shopify/Customer/1002', {LOAD}, 'o3'),
    ('gid://shopify/Order/5004', '#1004', 'guest@example.com', null,
     '2025-03-06T10:00:00Z', '2025-03-06T10:00:00Z', '2025-03-06T10:00:00Z', null,
     'PAID', 'FULFILLED', 'EUR', '10.00', 'EUR', null, {LOAD}, 'o4'),
    ('gid://shopify/Order/5005', '#1005', 'anna.schmidt@example.com', null,
     '2025-02-01T10:00:00Z', '2025-02-01T10:00:00Z', '2025-02-01T10:00:00Z', null,
     'PAID', 'FULFILLED', 'EUR', '999.00', 'EUR',
     'gid://shopify/Customer/1001', {LOAD}, 'o5');

create table raw_shop.deletions (
    stream varchar, id varchar, detected_at timestamptz, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_shop.deletions values
    ('orders', 'gid://shopify/Order/5005', '2025-02-02T00:00:00Z', {LOAD}, 'd1');

create table raw_shop.orders__line_items (
    id varchar, sku varchar, name varchar, quantity bigint,
    original_unit_price_set__shop_money__amount varchar,
    original_unit_price_set__shop_money__currency_code varchar,
    order_id varchar, position bigint, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_shop.orders__line_items values
    ('gid://shopify/LineItem/1', 'MUG-1', 'Mug', 2, '50.00', 'EUR',
     'gid://shopify/Order/5001', 0, {LOAD}, 'l1'),
    ('gid://shopify/LineItem/2', 'TEE-1', 'T-shirt', 1, '50.00', 'EUR',
     'gid://shopify/Order/5002', 0, {LOAD}, 'l2'),
    ('gid://shopify/LineItem/3', 'CAP-1', 'Cap', 1, '75.25', 'EUR',
     'gid://shopify/Order/5003', 0, {LOAD}, 'l3');

create table raw_shop.orders__refunds (
    id varchar, created_at timestamptz, total_refunded_set__shop_money__amount varchar,
    total_refunded_set__shop_money__currency_code varchar,
    order_id varchar, position bigint, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_shop.orders__refunds values
    ('gid://shopify/Refund/1', '2025-01-20T10:00:00Z', '20.00', 'EUR',
     'gid://shopify/Order/5001', 0, {LOAD}, 'r1'),
    ('gid://shopify/Refund/2', '2025-01-21T10:00:00Z', '50.00', 'EUR',
     'gid://shopify/Order/5002', 0, {LOAD}, 'r2');

create table raw_erp.partners (
    id bigint, name varchar, is_company boolean, parent_id bigint, parent_id__name varchar,
    email varchar, phone varchar, mobile varchar, street varchar, street2 varchar,
    city varchar, zip varchar, country_id bigint, country_id__name varchar,
    country_code varchar, ref varchar, active boolean, customer_rank bigint,
    create_date varchar, write_date varchar, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_erp.partners values
    (10, 'Anna Schmidt', false, null, null, 'anna.schmidt@example.com', '030 1234567', null,
     'Hauptstraße 1', null, 'Berlin', '10115', 57, 'Germany', 'DE', 'SHOP-1001', true, 1,
     '2024-02-01 10:00:00', '2025-02-01 10:00:00', {LOAD}, 'p10'),
    (11, 'Ben Müller', false, null, null, 'ben.mueller@example.com', null, '+49 170 1111111',
     'Leopoldstr. 5', null, 'München', '80802', 57, 'Germany', 'DE', null, false, 1,
     '2024-03-02 10:00:00', '2025-01-02 10:00:00', {LOAD}, 'p11'),
    (20, 'Acme GmbH', true, null, null, 'info@acme.example', '040 999', null,
     'Hafenweg 2', null, 'Hamburg', '20457', 57, 'Germany', 'DE', 'ACME', true, 1,
     '2024-01-01 10:00:00', '2024-01-01 10:00:00', {LOAD}, 'p20'),
    (21, 'Carla Rossi', false, 20, 'Acme GmbH', 'carla.rossi@acme.example', '040 999 21', null,
     'Hafenweg 2', null, 'Hamburg', '20457', 57, 'Germany', 'DE', null, true, 0,
     '2024-01-02 10:00:00', '2024-05-02 10:00:00', {LOAD}, 'p21');

create table raw_erp.sale_orders (
    id bigint, name varchar, partner_id bigint, partner_id__name varchar, date_order varchar,
    amount_untaxed double precision, amount_total double precision, currency_id bigint,
    currency_id__name varchar, state varchar, create_date varchar, write_date varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_erp.sale_orders values
    (500, 'S00500', 10, 'Anna Schmidt', '2025-02-10 10:00:00', 168.49, 200.50, 1, 'EUR',
     'sale', '2025-02-10 10:00:00', '2025-02-10 10:00:00', {LOAD}, 's500'),
    (501, 'S00501', 10, 'Anna Schmidt', '2025-02-11 10:00:00', 839.50, 999.00, 1, 'EUR',
     'cancel', '2025-02-11 10:00:00', '2025-02-12 10:00:00', {LOAD}, 's501'),
    (502, 'S00502', 10, 'Anna Schmidt', '2025-02-12 10:00:00', 25.21, 30.00, 1, 'EUR',
     'draft', '2025-02-12 10:00:00', '2025-02-12 10:00:00', {LOAD}, 's502'),
    (503, 'S00503', 20, 'Acme GmbH', '2025-03-01 10:00:00', 840.34, 1000.00, 1, 'EUR',
     'sale', '2025-03-01 10:00:00', '2025-03-01 10:00:00', {LOAD}, 's503'),
    (504, 'S00504', 21, 'Acme GmbH, Carla Rossi', '2025-04-02 09:30:00', 33.61, 40.00, 1,
     'EUR', 'done', '2025-04-02 09:30:00', '2025-04-03 09:30:00', {LOAD}, 's504');

-- dlt's types for an Odoo stream: many2one ids bigint, floats double, timestamptz.
create table raw_erp.sale_order_lines (
    id bigint, order_id bigint, order_id__name varchar, sequence bigint, product_id bigint,
    product_id__name varchar, name varchar, product_uom_qty double precision,
    price_unit double precision, price_subtotal double precision,
    price_total double precision, currency_id bigint, currency_id__name varchar,
    display_type varchar, create_date timestamptz, write_date timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_erp.sale_order_lines values
    (5001, 500, 'S00500', 10, 1, '[TSH-001] Organic Cotton T-Shirt',
     '[TSH-001] Organic Cotton T-Shirt', 2.0, 24.90, 49.80, 59.26, 1, 'EUR', null,
     '2025-02-10T10:00:00Z', '2025-02-10T10:00:00Z', {LOAD}, 'sl1'),
    (5002, 500, 'S00500', 11, 2, '[HOD-002] Merino Hoodie', '[HOD-002] Merino Hoodie',
     1.0, 89.00, 89.00, 105.91, 1, 'EUR', null,
     '2025-02-10T10:00:00Z', '2025-02-10T10:00:00Z', {LOAD}, 'sl2'),
    (5003, 500, 'S00500', 12, 7, '[BTL-007] Steel Water Bottle',
     '[BTL-007] Steel Water Bottle', 1.0, 29.69, 29.69, 35.33, 1, 'EUR', null,
     '2025-02-10T10:00:00Z', '2025-02-10T10:00:00Z', {LOAD}, 'sl3'),
    (5004, 502, 'S00502', 10, 12, '[ PST-012 ]  Art Print A3 ', ' Art print, framed ',
     1.0, 25.21, 25.21, 30.00, 1, 'eur', null,
     '2025-02-12T10:00:00Z', '2025-02-12T10:00:00Z', {LOAD}, 'sl4'),
    (5005, 503, 'S00503', 10, null, null, 'Services', 0.0, 0.0, 0.0, 0.0, 1, 'EUR',
     'line_section', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z', {LOAD}, 'sl5'),
    (5006, 503, 'S00503', 11, 99, 'Consulting hour', 'Consulting hour, on site', 0.5,
     1680.68, 840.34, 1000.00, 1, 'EUR', null,
     '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z', {LOAD}, 'sl6'),
    (5007, 503, 'S00503', 12, null, null, 'Delivery in May', 0.0, 0.0, 0.0, 0.0, 1, 'EUR',
     'line_note', '2025-03-01T10:00:00Z', '2025-03-02T08:00:00+01:00', {LOAD}, 'sl7'),
    (5008, 504, 'S00504', 10, 3, '[MUG-003] Stoneware Mug', '[MUG-003] Stoneware Mug',
     1.0, 33.61, 33.61, 40.00, 1, 'EUR', null,
     '2025-04-02T09:30:00Z', '2025-04-03T09:30:00Z', {LOAD}, 'sl8');

create table raw_erp.invoices (
    id bigint, name varchar, move_type varchar, partner_id bigint, partner_id__name varchar,
    invoice_date varchar, invoice_origin varchar, amount_untaxed double precision,
    amount_total double precision, amount_residual double precision, currency_id bigint,
    currency_id__name varchar, state varchar,
    payment_state varchar, create_date varchar, write_date varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_erp.invoices values
    (900, 'INV/2025/00001', 'out_invoice', 10, 'Anna Schmidt', '2025-02-10', 'S00500',
     168.49, 200.50, 0.0, 1, 'EUR', 'posted', 'paid',
     '2025-02-10 11:00:00', '2025-02-15 11:00:00', {LOAD}, 'i900');

create table raw_erp.blacklist (
    id bigint, email varchar, active boolean, create_date varchar, write_date varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_erp.blacklist values
    (1, ' BEN.Mueller@Example.com ', true, '2025-04-01 08:00:00', '2025-04-01 08:00:00',
     {LOAD}, 'b1'),
    (2, 'carla.rossi@example.com', false, '2025-05-01 08:00:00', '2025-05-01 08:00:00',
     {LOAD}, 'b2');

create table raw_email.members (
    id varchar, email_address varchar, unique_email_id varchar, contact_id varchar,
    full_name varchar, status varchar, email_type varchar, list_id varchar,
    timestamp_signup varchar, timestamp_opt varchar, last_changed varchar, language varchar,
    vip boolean, merge_fields__fname varchar, merge_fields__lname varchar,
    merge_fields__phone varchar, merge_fields__address__addr1 varchar,
    merge_fields__address__city varchar, merge_fields__address__zip varchar,
    merge_fields__address__country varchar, location__country_code varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_email.members values
    ('{ANNA}', 'anna.schmidt@example.com', 'u1', 'ct1', 'Anna Schmidt', 'unsubscribed',
     'html', 'a1b2c3d4e5', '2024-01-01T08:00:00+00:00', '2024-01-01T08:05:00+00:00',
     '2025-02-01T08:00:00+00:00', 'de', false, 'Anna', 'Schmidt', null,
     'Hauptstr. 1', 'Berlin', '10115', 'DE', 'DE', {LOAD}, 'm1'),
    ('{CARLA}', 'carla.rossi@example.com', 'u2', 'ct2', 'Carla Rossi', 'subscribed',
     'html', 'a1b2c3d4e5', '2024-06-01T08:00:00+00:00', '2024-06-01T08:05:00+00:00',
     '2025-01-05T08:00:00+00:00', 'it', true, 'Carla', 'Rossi', '+39 06 1234',
     '', '', '', '', 'IT', {LOAD}, 'm2'),
    ('{DAVE}', 'dave@example.com', 'u3', 'ct3', 'Dave', 'cleaned',
     'html', 'a1b2c3d4e5', '2024-07-01T08:00:00+00:00', null,
     '2025-03-03T08:00:00+00:00', 'en', false, 'Dave', null, null,
     null, null, null, null, 'GB', {LOAD}, 'm3');

create table raw_email.campaigns (
    id varchar, web_id bigint, type varchar, status varchar, create_time varchar,
    send_time varchar, emails_sent bigint, settings__subject_line varchar,
    settings__title varchar, recipients__list_id varchar, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_email.campaigns values
    ('c0ffee1234', 101, 'regular', 'sent', '2025-01-01T08:00:00+00:00',
     '2025-01-02T08:00:00+00:00', 3, 'New year', 'NY 2025', 'a1b2c3d4e5', {LOAD}, 'k1');

create table raw_email.email_activity (
    campaign_id varchar, email_id varchar, email_address varchar, action varchar,
    "timestamp" varchar, url varchar, ip varchar, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_email.email_activity values
    ('c0ffee1234', '{ANNA}', 'anna.schmidt@example.com', 'sent',
     '2025-01-02T08:00:00+00:00', null, null, {LOAD}, 'e1'),
    ('c0ffee1234', '{ANNA}', 'anna.schmidt@example.com', 'click',
     '2025-01-02T09:00:00+00:00', 'https://shop.example/sale', '192.0.2.1', {LOAD}, 'e2');

create table raw_social.users (
    id varchar, name varchar, username varchar, created_at timestamptz, description varchar,
    location varchar, url varchar, verified boolean, public_metrics__followers_count bigint,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_social.users values
    ('1000000000000000001', 'cdpkit', 'cdpkit_brand', '2020-01-01T00:00:00Z', 'The brand',
     'Berlin', null, true, 5000, {LOAD}, 'x1'),
    ('2000000000000000002', 'Ben M.', 'benm', '2021-05-01T00:00:00Z',
     'Coffee lover in Munich', 'München', null, false, 42, {LOAD}, 'x2'),
    ('2000000000000000003', 'Eve', 'eve_x', '2022-05-01T00:00:00Z', 'Just Eve', null, null,
     false, 7, {LOAD}, 'x3');

create table raw_social.tweets (
    id varchar, text varchar, author_id varchar, conversation_id varchar,
    in_reply_to_user_id varchar, created_at timestamptz, lang varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_social.tweets values
    ('3000000000000000001', '@cdpkit_brand love the mug', '2000000000000000002',
     '3000000000000000001', '1000000000000000001', '2025-03-06T10:00:00Z', 'en', {LOAD}, 't1');

create table raw_social.dm_events (
    id varchar, event_type varchar, text varchar, sender_id varchar,
    dm_conversation_id varchar, created_at timestamptz, _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_social.dm_events values
    ('4000000000000000001', 'MessageCreate', 'Where is my order?', '2000000000000000002',
     '1000000000000000001-2000000000000000002', '2025-03-07T10:00:00Z', {LOAD}, 'd1');

create table identity.crosswalk (
    source varchar, source_id varchar, golden_id varchar, matched_by varchar,
    resolved_at timestamptz
);
insert into identity.crosswalk values
    ('shop', 'gid://shopify/Customer/1001', 'gc-anna', 'email', '2025-06-01T00:00:00Z'),
    ('erp', '10', 'gc-anna', 'email', '2025-06-01T00:00:00Z'),
    ('email', '{ANNA}', 'gc-anna', 'email', '2025-06-01T00:00:00Z'),
    ('shop', 'gid://shopify/Customer/1002', 'gc-ben', 'email', '2025-06-01T00:00:00Z'),
    ('erp', '11', 'gc-ben', 'email', '2025-06-01T00:00:00Z'),
    ('social', '2000000000000000002', 'gc-ben', 'model', '2025-06-01T00:00:00Z'),
    ('shop', 'gid://shopify/Customer/1003', 'gc-carla', 'seed', '2025-06-01T00:00:00Z'),
    ('erp', '21', 'gc-carla', 'model', '2025-06-01T00:00:00Z'),
    ('email', '{CARLA}', 'gc-carla', 'email', '2025-06-01T00:00:00Z'),
    ('social', '2000000000000000003', 'gc-eve', 'seed', '2025-06-01T00:00:00Z'),
    ('email', '{DAVE}', 'gc-dave', 'seed', '2025-06-01T00:00:00Z');

create table identity.golden_profiles (
    golden_id varchar, first_name varchar, last_name varchar, email varchar, phone varchar,
    street varchar, city varchar, postcode varchar, country_code varchar,
    first_name_source varchar, last_name_source varchar, email_source varchar,
    phone_source varchar, street_source varchar, city_source varchar,
    postcode_source varchar, country_code_source varchar, source_systems varchar,
    member_count bigint, first_seen_at timestamptz, last_seen_at timestamptz,
    resolved_at timestamptz
);
insert into identity.golden_profiles values
    ('gc-anna', 'Anna', 'Schmidt', 'anna.schmidt@example.com', '+49301234567',
     'Hauptstr. 1', 'Berlin', '10115', 'DE', 'shop', 'shop', 'shop', 'shop', 'shop', 'shop',
     'shop', 'shop', 'email,erp,shop', 3, '2024-01-01T08:00:00Z',
     '2025-02-01T10:00:00Z', '2025-06-01T00:00:00Z'),
    ('gc-ben', 'Ben', 'Müller', 'ben.mueller@example.com', '+4989555000',
     'Leopoldstr. 5', 'München', '80802', 'DE', 'shop', 'shop', 'shop', 'shop', 'shop',
     'shop', 'shop', 'shop', 'erp,shop,social', 3, '2021-05-01T00:00:00Z',
     '2025-03-01T12:00:00Z', '2025-06-01T00:00:00Z'),
    ('gc-carla', 'Carla', 'Rossi', 'carla.rossi@example.com', '+39061234', 'Hafenweg 2',
     'Hamburg', '20457', 'DE', 'email', 'email', 'email', 'email', 'erp', 'erp', 'erp', 'erp',
     'email,erp,shop', 3, '2024-01-02T10:00:00Z', '2025-01-05T08:00:00Z',
     '2025-06-01T00:00:00Z'),
    ('gc-eve', null, null, null, null, null, null, null, null, null, null, null, null, null,
     null, null, null, 'social', 1, '2022-05-01T00:00:00Z', '2022-05-01T00:00:00Z',
     '2025-06-01T00:00:00Z'),
    ('gc-dave', 'Dave', null, 'dave@example.com', null, null, null, null, 'GB', 'email',
     null, 'email', null, null, null, null, 'email', 'email', 1, '2024-07-01T08:00:00Z',
     '2025-03-03T08:00:00Z', '2025-06-01T00:00:00Z');

create table identity.match_edges (
    left_source varchar, left_source_id varchar, right_source varchar,
    right_source_id varchar, rule varchar, key varchar
);
insert into identity.match_edges values
    ('shop', 'gid://shopify/Customer/1001', 'erp', '10', 'exact_email',
     'anna.schmidt@example.com'),
    ('shop', 'gid://shopify/Customer/1001', 'email', '{ANNA}', 'exact_email',
     'anna.schmidt@example.com');

-- dlt creates a column only once it has seen a value: optional fields may be missing.
alter table raw_social.users drop column url;
alter table raw_erp.partners drop column street2;
-- ... and a table stays missing until its resource yields a row (no DMs loaded yet).
drop table raw_social.dm_events;
"""


def build_raw_warehouse(path: str) -> None:
    """Create the DuckDB file at `path` with the raw_* and identity schemas filled."""
    with duckdb.connect(path) as connection:
        connection.execute("set TimeZone = 'Europe/Berlin'")
        connection.execute(SQL)


def build_raw_postgres(connection) -> None:  # noqa: ANN001 - a psycopg2 connection
    """The same raw_* and identity schemas in a PostgreSQL database (the SQL above is
    plain enough for both engines)."""
    with connection.cursor() as cursor:
        cursor.execute(SQL)
    connection.commit()
