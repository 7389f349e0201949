CREATE TABLE session_channel (
    tenant           text        NOT NULL,
    session_key      text        NOT NULL,
    channel          text        NOT NULL CHECK (channel IN ('webhook', 'telegram')),
    webhook_url      text,
    webhook_secret   text,
    telegram_chat_id text,
    registered_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, session_key, channel)
);

CREATE TABLE inbox_message (
    id          bigserial PRIMARY KEY,
    tenant      text        NOT NULL,
    session_key text        NOT NULL,
    event_id    uuid        NOT NULL,
    task_id     uuid        NOT NULL,
    event_type  text        NOT NULL,
    status      text,
    title       text        NOT NULL,
    body        text        NOT NULL,
    event_time  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant, session_key, event_id)
);

CREATE INDEX inbox_message_session ON inbox_message (tenant, session_key, id);

-- One row per (lifecycle event, channel): the dedupe key, the retry state and the report outbox.
CREATE TABLE delivery (
    id              bigserial PRIMARY KEY,
    event_id        uuid        NOT NULL,
    channel         text        NOT NULL,
    tenant          text        NOT NULL,
    session_key     text,
    task_id         uuid        NOT NULL,
    lane            text        NOT NULL,
    event_json      text        NOT NULL,
    status          text        NOT NULL,
    attempts        int         NOT NULL DEFAULT 0,
    parts_sent      int         NOT NULL DEFAULT 0,
    last_error      text,
    event_time      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_until   timestamptz,
    finished_at     timestamptz,
    reported_at     timestamptz,
    UNIQUE (event_id, channel)
);

CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX delivery_unreported ON delivery (id) WHERE reported_at IS NULL AND status <> 'pending';

CREATE TABLE progress_gate (
    task_id          uuid PRIMARY KEY,
    last_notified_at timestamptz NOT NULL
);
