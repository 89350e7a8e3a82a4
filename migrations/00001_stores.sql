-- +goose Up
CREATE TABLE stores (
    id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name               VARCHAR(200)    NOT NULL,
    url                VARCHAR(500)    NOT NULL,
    webhook_secret     VARCHAR(100)    NOT NULL,
    currency           CHAR(3)         NOT NULL DEFAULT 'USD',
    currency_exponent  TINYINT UNSIGNED NOT NULL DEFAULT 2,
    earn_points        BIGINT          NOT NULL DEFAULT 1,
    earn_per           BIGINT          NOT NULL DEFAULT 1,
    return_days        INT             NOT NULL DEFAULT 0,
    redeem_points      BIGINT          NOT NULL DEFAULT 100,
    redeem_value_minor BIGINT          NOT NULL DEFAULT 100,
    created_at         DATETIME(6)     NOT NULL,
    updated_at         DATETIME(6)     NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE stores;
