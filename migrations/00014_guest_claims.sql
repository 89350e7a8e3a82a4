-- +goose Up
-- Claim links: a guest's activity moves to a registered customer only when
-- the customer opens the link sent to the guest's e-mail. Only the token's
-- hash is kept.
CREATE TABLE guest_claims (
    store_id    BIGINT UNSIGNED NOT NULL,
    token_hash  BINARY(32)      NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    guest_pk    BIGINT UNSIGNED NOT NULL,
    expires_at  DATETIME(6)     NOT NULL,
    used_at     DATETIME(6)     NULL,
    created_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, token_hash),
    KEY guest_claims_guest (store_id, guest_pk)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE guest_claims;
