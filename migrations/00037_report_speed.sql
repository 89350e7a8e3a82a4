-- +goose Up
-- Reports at a million orders read indexes, not rows.
--
-- Each customer day knows the customer's paid day before and after it, so
-- "customers who bought in a period" is a count of the period's days whose
-- previous day falls before it, and "active at a day" a count of a window's
-- days whose next day falls after it: index-only counts, no GROUP BY
-- customer. The day index covers every column those counts read.
ALTER TABLE report_customer_days
    ADD COLUMN prev_day DATE NULL,
    ADD COLUMN next_day DATE NULL,
    DROP KEY report_days_day,
    ADD KEY report_days_day (store_id, day, prev_day, next_day, orders, net);

UPDATE report_customer_days d JOIN (
    SELECT store_id, customer_pk, day,
        LAG(day) OVER w AS prev_day, LEAD(day) OVER w AS next_day
    FROM report_customer_days
    WINDOW w AS (PARTITION BY store_id, customer_pk ORDER BY day)
) x ON x.store_id = d.store_id AND x.customer_pk = d.customer_pk AND x.day = d.day
SET d.prev_day = x.prev_day, d.next_day = x.next_day;

-- The cohort triangle: per cohort (the month of a customer's first paid
-- day) and month, how many of its customers had a paid order that month,
-- spread over 8 buckets by customer. Kept by difference by the writers,
-- which know each changed customer's days before and after.
CREATE TABLE report_cohorts (
    store_id  BIGINT UNSIGNED  NOT NULL,
    cohort    DATE             NOT NULL,
    month     DATE             NOT NULL,
    bucket    TINYINT UNSIGNED NOT NULL,
    customers INT              NOT NULL,
    PRIMARY KEY (store_id, cohort, month, bucket)
) ENGINE=InnoDB;

INSERT INTO report_cohorts (store_id, cohort, month, bucket, customers)
SELECT d.store_id, f.cohort, d.day - INTERVAL (DAYOFMONTH(d.day) - 1) DAY, d.customer_pk % 8, COUNT(DISTINCT d.customer_pk)
FROM report_customer_days d JOIN (
    SELECT store_id, customer_pk, MIN(day) - INTERVAL (DAYOFMONTH(MIN(day)) - 1) DAY AS cohort
    FROM report_customer_days WHERE orders > 0 GROUP BY store_id, customer_pk
) f ON f.store_id = d.store_id AND f.customer_pk = d.customer_pk
WHERE d.orders > 0
GROUP BY d.store_id, f.cohort, d.day - INTERVAL (DAYOFMONTH(d.day) - 1) DAY, d.customer_pk % 8;

-- Best sellers per month (the first day of the month), spread over 8
-- buckets by order so a popular product's row is not one lock for every
-- writer. A period's whole months are read here; its partial months from
-- order_products, whose day index now covers quantity and spend.
CREATE TABLE report_product_months (
    store_id   BIGINT UNSIGNED  NOT NULL,
    month      DATE             NOT NULL,
    product_id BIGINT UNSIGNED  NOT NULL,
    bucket     TINYINT UNSIGNED NOT NULL,
    quantity   BIGINT           NOT NULL,
    net        BIGINT           NOT NULL,
    orders     BIGINT           NOT NULL,
    PRIMARY KEY (store_id, month, product_id, bucket)
) ENGINE=InnoDB;

INSERT INTO report_product_months (store_id, month, product_id, bucket, quantity, net, orders)
SELECT store_id, day - INTERVAL (DAYOFMONTH(day) - 1) DAY, product_id, order_id % 8, SUM(quantity), SUM(net), COUNT(*)
FROM order_products GROUP BY store_id, day - INTERVAL (DAYOFMONTH(day) - 1) DAY, product_id, order_id % 8;

ALTER TABLE order_products
    DROP KEY order_products_day,
    ADD KEY order_products_day (store_id, day, product_id, quantity, net);

-- The RFM report finds where each quintile starts on these (recency has
-- report_customers_last).
ALTER TABLE report_customers
    ADD KEY report_customers_orders (store_id, orders),
    ADD KEY report_customers_net (store_id, net);

-- Referral conversions per day read the referrals made in a period.
ALTER TABLE referrals ADD KEY referrals_made (store_id, created_at, state);

-- Outstanding points and membership are read from this index alone.
ALTER TABLE customers ADD KEY customers_balances (store_id, merged_into, available, lifetime, held);

-- +goose Down
ALTER TABLE referrals DROP KEY referrals_made;
ALTER TABLE report_customers DROP KEY report_customers_orders, DROP KEY report_customers_net;
ALTER TABLE customers DROP KEY customers_balances;
ALTER TABLE order_products
    DROP KEY order_products_day,
    ADD KEY order_products_day (store_id, day, product_id);
DROP TABLE report_product_months;
DROP TABLE report_cohorts;
ALTER TABLE report_customer_days
    DROP KEY report_days_day,
    DROP COLUMN prev_day,
    DROP COLUMN next_day,
    ADD KEY report_days_day (store_id, day, customer_pk);
