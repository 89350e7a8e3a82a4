-- +goose Up
-- Referrals live in their own tables: the hot customers and orders tables
-- are not altered (an instant ADD COLUMN there cost 8% of ingest, see
-- 00022-00025), and stores without referrals pay nothing.
ALTER TABLE programs
    ADD COLUMN referral_enabled            TINYINT(1) NOT NULL DEFAULT 0,
    ADD COLUMN referrer_points             BIGINT     NOT NULL DEFAULT 0,
    ADD COLUMN referee_points              BIGINT     NOT NULL DEFAULT 0,
    ADD COLUMN referral_min_order_minor    BIGINT     NOT NULL DEFAULT 0,
    ADD COLUMN referral_monthly_cap        INT        NOT NULL DEFAULT 0,
    ADD COLUMN referral_new_customers_only TINYINT(1) NOT NULL DEFAULT 1;

-- Each customer's code, made the first time it is asked for.
CREATE TABLE referral_codes (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    code        VARCHAR(16)     NOT NULL,
    created_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, customer_pk),
    UNIQUE KEY referral_codes_code (store_id, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What the self-referral checks compare, for stores with referrals on:
-- store-bound hashes of every mailbox (normalised e-mail), billing phone and
-- billing address a customer's orders carried (kind m, p or a); never the
-- text itself.
CREATE TABLE customer_fingerprints (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    kind        CHAR(1)         NOT NULL,
    fp          BINARY(32)      NOT NULL,
    created_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, customer_pk, kind, fp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE referrals (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id    BIGINT UNSIGNED NOT NULL,
    referrer_pk BIGINT UNSIGNED NOT NULL,
    friend_pk   BIGINT UNSIGNED NOT NULL,
    friend_name VARCHAR(32)     NOT NULL DEFAULT '', -- masked: first letter and ***
    code        VARCHAR(16)     NOT NULL,
    order_id    BIGINT UNSIGNED NOT NULL,
    state       VARCHAR(16)     NOT NULL,
    reason      VARCHAR(32)     NOT NULL DEFAULT '',
    matures_at  DATETIME(6)     NOT NULL,
    decided_at  DATETIME(6)     NULL,
    decided_by  VARCHAR(64)     NOT NULL DEFAULT '',
    created_at  DATETIME(6)     NOT NULL,
    updated_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY referrals_friend (store_id, friend_pk),
    KEY referrals_referrer (store_id, referrer_pk, id),
    KEY referrals_state (store_id, state, id),
    KEY referrals_maturing (state, matures_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE referrals;
DROP TABLE customer_fingerprints;
DROP TABLE referral_codes;
ALTER TABLE programs
    DROP COLUMN referral_enabled, DROP COLUMN referrer_points, DROP COLUMN referee_points,
    DROP COLUMN referral_min_order_minor, DROP COLUMN referral_monthly_cap, DROP COLUMN referral_new_customers_only;
