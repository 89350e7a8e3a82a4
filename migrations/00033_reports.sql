-- +goose Up
-- Report rollups: per customer and store-local day of first payment, and
-- per customer, what their paid orders add up to. Recomputed from the
-- customer's orders in the transaction that changes one of them.
CREATE TABLE report_customer_days (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    day         DATE            NOT NULL,
    orders      INT             NOT NULL,
    net         BIGINT          NOT NULL,
    PRIMARY KEY (store_id, customer_pk, day),
    KEY report_days_day (store_id, day, customer_pk)
) ENGINE=InnoDB;

CREATE TABLE report_customers (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    first_day   DATE            NOT NULL,
    last_day    DATE            NOT NULL,
    orders      INT             NOT NULL,
    net         BIGINT          NOT NULL,
    PRIMARY KEY (store_id, customer_pk),
    KEY report_customers_first (store_id, first_day),
    KEY report_customers_last (store_id, last_day)
) ENGINE=InnoDB;

ALTER TABLE programs ADD COLUMN churn_days INT NOT NULL DEFAULT 90;

-- +goose Down
ALTER TABLE programs DROP COLUMN churn_days;
DROP TABLE report_customers;
DROP TABLE report_customer_days;
