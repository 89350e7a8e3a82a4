-- +goose Up
-- A store's program settings, one column per setting (loyalty.Program's
-- setting tags name them), apart from the store's identity and secrets.
CREATE TABLE programs (
    store_id           BIGINT UNSIGNED  NOT NULL,
    currency           CHAR(3)          NOT NULL DEFAULT 'USD',
    currency_exponent  TINYINT UNSIGNED NOT NULL DEFAULT 2,
    earn_points        BIGINT           NOT NULL DEFAULT 1,
    earn_per           BIGINT           NOT NULL DEFAULT 1,
    return_days        INT              NOT NULL DEFAULT 0,
    redeem_points      BIGINT           NOT NULL DEFAULT 100,
    redeem_value_minor BIGINT           NOT NULL DEFAULT 100,
    updated_at         DATETIME(6)      NOT NULL,
    PRIMARY KEY (store_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE programs;
