-- +goose Up
-- What the ledger holds for each order, and the snapshot it was reconciled with.
CREATE TABLE orders (
    store_id          BIGINT UNSIGNED NOT NULL,
    order_id          BIGINT UNSIGNED NOT NULL,
    customer_pk       BIGINT UNSIGNED NULL,
    status            VARCHAR(40)     NOT NULL,
    currency          VARCHAR(8)      NOT NULL DEFAULT '',
    total_minor       BIGINT          NOT NULL DEFAULT 0,
    net_minor         BIGINT          NOT NULL DEFAULT 0,
    refunded_minor    BIGINT          NOT NULL DEFAULT 0,
    date_modified_gmt DATETIME        NULL,
    applied_inbox_id  BIGINT UNSIGNED NOT NULL DEFAULT 0,
    deleted           TINYINT(1)      NOT NULL DEFAULT 0,
    refund_seen       TINYINT(1)      NOT NULL DEFAULT 0,
    rule_points       BIGINT          NULL,
    rule_per          BIGINT          NULL,
    rule_exponent     TINYINT         NULL,
    first_paid_at     DATETIME(6)     NULL,
    matures_at        DATETIME(6)     NULL,
    matured           TINYINT(1)      NOT NULL DEFAULT 1,
    points_pending    BIGINT          NOT NULL DEFAULT 0,
    points_available  BIGINT          NOT NULL DEFAULT 0,
    revision          INT             NOT NULL DEFAULT 0,
    updated_at        DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, order_id),
    KEY orders_maturing (matured, matures_at),
    KEY orders_customer (store_id, customer_pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE orders;
