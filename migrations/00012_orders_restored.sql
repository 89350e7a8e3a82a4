-- +goose Up
-- An order back from the trash: a later order.deleted ({"id":N}, the same
-- bytes as the first) needs the store's confirmation through the sync.
ALTER TABLE orders ADD COLUMN restored TINYINT(1) NOT NULL DEFAULT 0 AFTER deleted;

-- +goose Down
ALTER TABLE orders DROP COLUMN restored;
