-- +goose Up
-- Rebuild customers in the canonical row format. Earlier migrations added and
-- dropped columns instantly (MariaDB keeps such tables in an "instant ALTER"
-- format); on the hot tables that cost webhook-to-ledger 8 percent at
-- 100,000 orders (make bench -compare). Online: ALGORITHM=INPLACE, LOCK=NONE.
ALTER TABLE customers FORCE, ALGORITHM=INPLACE, LOCK=NONE;

-- +goose Down
SELECT 1;
