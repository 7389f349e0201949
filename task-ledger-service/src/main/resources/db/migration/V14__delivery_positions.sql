-- The journal position of the lifecycle event a task's delivery status speaks about, and each
-- channel's newest delivery outcome: a late report about an earlier event never overwrites a later
-- state, and the channels' outcomes for one event combine into the task's delivery status.
alter table tasks add column delivery_sequence bigint not null default 0;

create table delivery_channels (
    task_id        uuid        not null references tasks (task_id) on delete cascade,
    channel        text        not null,
    event_id       uuid        not null,
    event_sequence bigint      not null,
    task_attempt   int,
    outcome        text        not null,
    reported_at    timestamptz not null,
    primary key (task_id, channel)
);
