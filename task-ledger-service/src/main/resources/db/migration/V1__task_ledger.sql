create extension if not exists pg_trgm;

create table tasks (
    task_id               uuid primary key,
    tenant                text        not null,
    runtime               text        not null,
    executor              text        not null,
    label                 text,
    goal                  text        not null,
    status                text        not null,
    status_reason         text,
    delivery_status       text        not null,
    notify_policy         text        not null,
    requester_session_key text,
    owner_key             text,
    child_session_key     text        not null,
    run_id                text        not null,
    parent_flow_id        uuid,
    parent_task_id        uuid,
    attempt               integer     not null,
    runner_id             text,
    lease_expires_at      timestamptz,
    current_step          integer     not null default 0,
    resume_context        jsonb,
    model_options         jsonb,
    run_timeout_seconds   integer,
    created_at            timestamptz not null,
    started_at            timestamptz,
    last_event_at         timestamptz not null,
    ended_at              timestamptz,
    cleanup_after         timestamptz,
    error                 text,
    progress_summary      text,
    terminal_summary      text,
    metadata              jsonb       not null default '{}'::jsonb,
    journal_seq           bigint      not null default 0,
    recoveries            integer     not null default 0,
    version               bigint      not null
);

create index tasks_newest on tasks (tenant, created_at desc, task_id desc);
create index tasks_by_status on tasks (tenant, status, created_at desc, task_id desc);
create index tasks_by_runtime on tasks (tenant, runtime, created_at desc, task_id desc);
create index tasks_by_run_id on tasks (tenant, run_id);
create unique index tasks_by_child_session on tasks (tenant, child_session_key);
create index tasks_by_requester_session on tasks (tenant, requester_session_key, created_at desc, task_id desc);
create index tasks_by_flow on tasks (tenant, parent_flow_id, created_at desc, task_id desc) where parent_flow_id is not null;
create index tasks_by_parent on tasks (parent_task_id) where parent_task_id is not null;
create index tasks_by_label on tasks using gin (label gin_trgm_ops);
create index tasks_active on tasks (status, lease_expires_at) where status in ('queued', 'running');

create table plan_steps (
    task_id     uuid    not null references tasks (task_id) on delete cascade,
    step_index  integer not null,
    description text    not null,
    done_when   text    not null,
    status      text    not null,
    attempts    integer not null,
    verdict     text,
    primary key (task_id, step_index)
);

create table journal (
    task_id uuid        not null references tasks (task_id) on delete cascade,
    seq     bigint      not null,
    at      timestamptz not null,
    attempt integer     not null,
    type    text        not null,
    payload jsonb       not null,
    primary key (task_id, seq)
);

-- Every message leaves through this table in the transaction that caused it. The relay publishes
-- rows in id order and stamps published_seq in its own serialised transactions, so published_seq
-- grows in the order rows become visible: the SSE replay cursor never skips a late commit.
create table outbox (
    id            bigserial primary key,
    topic         text        not null,
    message_key   text        not null,
    tenant        text        not null,
    task_id       uuid,
    payload       jsonb       not null,
    created_at    timestamptz not null,
    published_seq bigint,
    published_at  timestamptz
);

create sequence outbox_published_seq;
create index outbox_unpublished on outbox (id) where published_seq is null;
create unique index outbox_published on outbox (published_seq) where published_seq is not null;
create index outbox_lifecycle_by_tenant on outbox (tenant, published_seq)
    where topic = 'tasklane.task-lifecycle' and published_seq is not null;
create index outbox_lifecycle_by_task on outbox (task_id, published_seq)
    where topic = 'tasklane.task-lifecycle' and published_seq is not null;

create table idempotency_keys (
    tenant       text        not null,
    key          text        not null,
    request_hash text        not null,
    task_id      uuid        not null,
    created_at   timestamptz not null,
    primary key (tenant, key)
);

create table processed_messages (
    message_id   uuid primary key,
    processed_at timestamptz not null
);
