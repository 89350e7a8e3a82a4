-- +goose Up
-- The settings live in programs now (00009, 00010).
ALTER TABLE stores DROP COLUMN currency, DROP COLUMN currency_exponent, DROP COLUMN earn_points,
    DROP COLUMN earn_per, DROP COLUMN return_days, DROP COLUMN redeem_points, DROP COLUMN redeem_value_minor;

-- +goose Down
ALTER TABLE stores ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'USD', ADD COLUMN currency_exponent TINYINT UNSIGNED NOT NULL DEFAULT 2,
    ADD COLUMN earn_points BIGINT NOT NULL DEFAULT 1, ADD COLUMN earn_per BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN return_days INT NOT NULL DEFAULT 0, ADD COLUMN redeem_points BIGINT NOT NULL DEFAULT 100,
    ADD COLUMN redeem_value_minor BIGINT NOT NULL DEFAULT 100;
