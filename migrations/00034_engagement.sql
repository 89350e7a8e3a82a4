-- +goose Up
-- Engagement (issue 10, docs/engagement.md): the bonus settings, the
-- transactional outbox and its deliveries, birthdays, surveys, reviews,
-- campaigns, and the points rollup the reports chart.
ALTER TABLE programs
    ADD COLUMN signup_points        BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN birthday_points      BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN anniversary_points   BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN anniversary_from     VARCHAR(20)  NOT NULL DEFAULT 'first_order',
    ADD COLUMN review_points        BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN survey_points        BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN survey_reward        BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN survey_question      VARCHAR(1200) NOT NULL DEFAULT '',
    ADD COLUMN winback_days         INT          NOT NULL DEFAULT 90,
    ADD COLUMN winback_points       BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN winback_reward       BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN expiry_reminder_days INT          NOT NULL DEFAULT 14;

-- One row per notice; event_key makes a replayed cause write none.
-- fanned: 0 until the fan-out job made its deliveries.
CREATE TABLE outbox_events (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id    BIGINT UNSIGNED NOT NULL,
    event_key   VARCHAR(191)    NOT NULL,
    type        VARCHAR(40)     NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    data        TEXT            NOT NULL,
    created_at  DATETIME(6)     NOT NULL,
    fanned      TINYINT(1)      NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY outbox_key (store_id, event_key),
    KEY outbox_unfanned (fanned, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Receivers. plugin_store is the store id for the plugin's own receiver
-- (one per store) and NULL for the admin's URLs.
CREATE TABLE event_endpoints (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id     BIGINT UNSIGNED NOT NULL,
    kind         VARCHAR(10)     NOT NULL,
    plugin_store BIGINT UNSIGNED NULL,
    url          VARCHAR(500)    NOT NULL,
    secret       VARCHAR(200)    NOT NULL,
    events       VARCHAR(1000)   NOT NULL DEFAULT '',
    active       TINYINT(1)      NOT NULL DEFAULT 1,
    created_at   DATETIME(6)     NOT NULL,
    updated_at   DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY endpoints_plugin (plugin_store),
    KEY endpoints_store (store_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per notice and receiver: the delivery log.
CREATE TABLE event_deliveries (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id     BIGINT UNSIGNED NOT NULL,
    event_id     BIGINT UNSIGNED NOT NULL,
    endpoint_id  BIGINT UNSIGNED NOT NULL,
    state        VARCHAR(10)     NOT NULL DEFAULT 'pending',
    attempts     INT             NOT NULL DEFAULT 0,
    next_at      DATETIME(6)     NOT NULL,
    lease_until  DATETIME(6)     NULL,
    last_status  INT             NOT NULL DEFAULT 0,
    last_error   VARCHAR(500)    NOT NULL DEFAULT '',
    delivered_at DATETIME(6)     NULL,
    created_at   DATETIME(6)     NOT NULL,
    updated_at   DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY deliveries_event (event_id, endpoint_id),
    KEY deliveries_due (state, next_at),
    KEY deliveries_store (store_id, state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Birthdays (month and day only) and when they were saved (store's day).
CREATE TABLE customer_birthdays (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    month       TINYINT         NOT NULL,
    day         TINYINT         NOT NULL,
    saved_on    DATE            NOT NULL,
    updated_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, customer_pk),
    KEY birthdays_day (store_id, month, day, customer_pk)
) ENGINE=InnoDB;

-- One survey per completed order: requested when it completes, answered once.
CREATE TABLE surveys (
    store_id     BIGINT UNSIGNED NOT NULL,
    order_id     BIGINT UNSIGNED NOT NULL,
    customer_pk  BIGINT UNSIGNED NOT NULL,
    requested_at DATETIME(6)     NOT NULL,
    answered_at  DATETIME(6)     NULL,
    rating       TINYINT         NULL,
    comment      TEXT            NULL,
    answer       TEXT            NULL,
    PRIMARY KEY (store_id, order_id),
    KEY surveys_customer (store_id, customer_pk, requested_at),
    KEY surveys_answered (store_id, answered_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Reviews reported by the plugin; the row for a product is its one grant.
CREATE TABLE review_grants (
    store_id    BIGINT UNSIGNED NOT NULL,
    customer_pk BIGINT UNSIGNED NOT NULL,
    product_id  BIGINT UNSIGNED NOT NULL,
    review_id   BIGINT UNSIGNED NOT NULL,
    points      BIGINT          NOT NULL,
    created_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, customer_pk, product_id)
) ENGINE=InnoDB;

CREATE TABLE campaigns (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    store_id     BIGINT UNSIGNED NOT NULL,
    campaign_key VARCHAR(100)    NOT NULL,
    name         VARCHAR(200)    NOT NULL DEFAULT '',
    message      VARCHAR(1000)   NOT NULL DEFAULT '',
    points       BIGINT          NOT NULL DEFAULT 0,
    reward_id    BIGINT          NOT NULL DEFAULT 0,
    filter       TEXT            NOT NULL,
    state        VARCHAR(10)     NOT NULL,
    total        BIGINT          NOT NULL DEFAULT 0,
    granted      BIGINT          NOT NULL DEFAULT 0,
    cursor_pk    BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at   DATETIME(6)     NOT NULL,
    updated_at   DATETIME(6)     NOT NULL,
    done_at      DATETIME(6)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY campaigns_key (store_id, campaign_key),
    KEY campaigns_running (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Points per store, day (store's time zone) and movement, kept by the
-- ledger writer: issued (net credits from issued), redeemed (net), expired.
-- Spread over 16 buckets by customer so no row is hot for a whole store.
CREATE TABLE report_points_days (
    store_id BIGINT UNSIGNED NOT NULL,
    day      DATE            NOT NULL,
    bucket   TINYINT UNSIGNED NOT NULL,
    issued   BIGINT          NOT NULL DEFAULT 0,
    redeemed BIGINT          NOT NULL DEFAULT 0,
    expired  BIGINT          NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, day, bucket)
) ENGINE=InnoDB;

-- Daily jobs (birthdays, anniversaries, win-back, reminders): the store
-- days each has fully run, so a day is passed over once.
CREATE TABLE job_days (
    store_id BIGINT UNSIGNED NOT NULL,
    job      VARCHAR(40)     NOT NULL,
    day      DATE            NOT NULL,
    done_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (store_id, job, day)
) ENGINE=InnoDB;

-- +goose Down
DROP TABLE job_days;
DROP TABLE report_points_days;
DROP TABLE campaigns;
DROP TABLE review_grants;
DROP TABLE surveys;
DROP TABLE customer_birthdays;
DROP TABLE event_deliveries;
DROP TABLE event_endpoints;
DROP TABLE outbox_events;
ALTER TABLE programs DROP COLUMN signup_points, DROP COLUMN birthday_points, DROP COLUMN anniversary_points,
    DROP COLUMN anniversary_from, DROP COLUMN review_points, DROP COLUMN survey_points, DROP COLUMN survey_reward,
    DROP COLUMN survey_question, DROP COLUMN winback_days, DROP COLUMN winback_points, DROP COLUMN winback_reward,
    DROP COLUMN expiry_reminder_days;
