-- +goose Up
-- The best-selling products rollup: each counting order's products (its
-- lines as last delivered, less their refunds) on the store-local day of
-- its first payment. Replaced whenever the order's worker batch sees a new
-- snapshot; removed when the order stops counting.
CREATE TABLE order_products (
    store_id   BIGINT UNSIGNED NOT NULL,
    order_id   BIGINT UNSIGNED NOT NULL,
    product_id BIGINT UNSIGNED NOT NULL,
    day        DATE            NOT NULL,
    quantity   BIGINT          NOT NULL,
    net        BIGINT          NOT NULL,
    PRIMARY KEY (store_id, order_id, product_id),
    KEY order_products_day (store_id, day, product_id)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE order_products;
