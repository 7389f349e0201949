-- Every tool call that stopped for an operator's decision. The task's resume context carries its
-- latest request to the runner; this table keeps all of them, for the pending list, the deadline
-- pass and the hand-out that lets an approved call run at most once (handed_to_attempt).
create table approval_requests (
    task_id           uuid        not null references tasks (task_id) on delete cascade,
    number            integer     not null,
    tenant            text        not null,
    call_id           text,
    tool              text        not null,
    arguments         text,
    step_index        integer     not null,
    approvers         jsonb       not null,
    requested_at      timestamptz not null,
    deadline          timestamptz not null,
    on_deadline       text        not null,
    decision          text,
    decided_by        text,
    decided_at        timestamptz,
    comment           text,
    handed_to_attempt integer,
    primary key (task_id, number)
);

create index approval_requests_pending on approval_requests (tenant, requested_at, task_id)
    where decision is null;
create index approval_requests_due on approval_requests (deadline) where decision is null;
