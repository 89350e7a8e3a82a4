-- +goose Up
-- Points lots for expiry: every transaction that raises a customer's
-- available points records one (loyalty.NewLots). Spending never updates
-- them: the balance covers the newest lots (FIFO consumption). settled
-- marks lots the balance no longer covers (spent or lapsed), so the expiry
-- job skips them.
CREATE TABLE lots (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    earned_at   DATETIME(6)     NOT NULL,
    amount      BIGINT          NOT NULL,
    settled     TINYINT(1)      NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    KEY lots_customer (store_id, customer_pk, id),
    KEY lots_due (store_id, settled, earned_at)
) ENGINE=InnoDB;

-- Balances from before lots existed form one lot per customer, earned now.
INSERT INTO lots (store_id, customer_pk, earned_at, amount)
    SELECT store_id, id, UTC_TIMESTAMP(6), available FROM customers WHERE available > 0 AND merged_into IS NULL;

ALTER TABLE programs ADD COLUMN expire_months INT NOT NULL DEFAULT 0,
    ADD COLUMN expire_inactive_months INT NOT NULL DEFAULT 0,
    ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE programs DROP COLUMN expire_months, DROP COLUMN expire_inactive_months, DROP COLUMN time_zone;
DROP TABLE lots;
