-- Pruning a task deletes the idempotency keys that point at it.
create index idempotency_keys_by_task on idempotency_keys (task_id);
