create table flows (
    flow_id             uuid primary key,
    tenant              text        not null,
    owner_key           text,
    goal                text        not null,
    status              text        not null,
    revision            bigint      not null,
    current_step        integer     not null default 0,
    blocked_task_id     uuid,
    blocked_summary     text,
    state               jsonb       not null default '{}'::jsonb,
    cancel_requested_at timestamptz,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    ended_at            timestamptz
);

create index flows_newest on flows (tenant, created_at desc, flow_id desc);
create index flows_open on flows (status, updated_at)
    where status in ('queued', 'running', 'waiting', 'blocked') or cancel_requested_at is not null;

create table cron_jobs (
    cron_job_id     uuid primary key,
    tenant          text        not null,
    name            text        not null,
    cron_expression text        not null,
    time_zone       text        not null,
    enabled         boolean     not null,
    template        jsonb       not null,
    next_fire_at    timestamptz,
    last_fired_at   timestamptz,
    last_task_id    uuid,
    firings         bigint      not null default 0,
    revision        bigint      not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    unique (tenant, name)
);

create index cron_jobs_due on cron_jobs (next_fire_at) where enabled;

-- When a queued task was last offered to the runners again; the task itself records when it was
-- queued (last_event_at), which the audit keeps measuring from.
alter table tasks add column last_dispatched_at timestamptz;

create index tasks_unstamped on tasks (ended_at) where cleanup_after is null and ended_at is not null;
create index tasks_cleanup_due on tasks (cleanup_after) where cleanup_after is not null;
create index tasks_delivery_failed on tasks (tenant, last_event_at) where delivery_status = 'failed';
create index tasks_lost on tasks (tenant, ended_at) where status = 'lost';
-- Nearly empty by construction, so the audit finds broken timestamp invariants without a scan.
create index tasks_inconsistent_timestamps on tasks (tenant) where
    started_at < created_at
    or last_event_at < coalesce(started_at, created_at)
    or ended_at < coalesce(started_at, created_at)
    or (ended_at is null and status in ('succeeded', 'failed', 'timed_out', 'cancelled', 'lost'))
    or (ended_at is not null and status in ('queued', 'running', 'paused', 'needs_assistance'));
