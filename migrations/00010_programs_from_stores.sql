-- +goose Up
INSERT INTO programs (store_id, currency, currency_exponent, earn_points, earn_per, return_days,
    redeem_points, redeem_value_minor, updated_at)
SELECT id, currency, currency_exponent, earn_points, earn_per, return_days, redeem_points, redeem_value_minor, updated_at
FROM stores;

-- +goose Down
UPDATE stores s JOIN programs p ON p.store_id = s.id SET s.currency = p.currency, s.currency_exponent = p.currency_exponent,
    s.earn_points = p.earn_points, s.earn_per = p.earn_per, s.return_days = p.return_days,
    s.redeem_points = p.redeem_points, s.redeem_value_minor = p.redeem_value_minor;
DELETE FROM programs;
