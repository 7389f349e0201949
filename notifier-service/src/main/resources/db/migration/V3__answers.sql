-- The next Telegram update to handle, per bot: taken forward before an update is handled, so a
-- restart neither asks for an update again nor handles one twice.
CREATE TABLE telegram_update_offset (
    bot_id         text   PRIMARY KEY,
    next_update_id bigint NOT NULL
);

-- The webhook-ids of session callbacks already taken, kept for the signature tolerance: the same
-- id again is a replay.
CREATE TABLE session_action_seen (
    tenant      text        NOT NULL,
    session_key text        NOT NULL,
    webhook_id  text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, session_key, webhook_id)
);

CREATE INDEX delivery_task ON delivery (task_id);
