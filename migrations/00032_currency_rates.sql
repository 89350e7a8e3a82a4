-- +goose Up
-- Earn rates of currencies other than the store's (multi-currency plugins):
-- an order in a currency without one is flagged, never read with another
-- currency's exponent.
CREATE TABLE currency_rates (
    store_id    BIGINT UNSIGNED NOT NULL,
    currency    CHAR(3)         NOT NULL,
    exponent    TINYINT         NOT NULL,
    earn_points BIGINT          NOT NULL,
    earn_per    BIGINT          NOT NULL,
    updated_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, currency)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE currency_rates;
