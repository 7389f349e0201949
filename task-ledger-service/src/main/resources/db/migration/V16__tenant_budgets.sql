-- What each tenant spent per UTC day, counted while the tenant has a per-day budget.
create table tenant_daily_usage (
    tenant text    not null,
    day    date    not null,
    tasks  integer not null default 0,
    tokens bigint  not null default 0,
    primary key (tenant, day)
);

-- Queued tasks whose claim was refused because their tenant was at a limit; the oldest are
-- offered to the runners again when one of the tenant's running tasks leaves running.
create table held_claims (
    task_id uuid        primary key references tasks (task_id) on delete cascade,
    tenant  text        not null,
    held_at timestamptz not null,
    reason  text        not null
);
create index held_claims_by_tenant on held_claims (tenant, held_at);
