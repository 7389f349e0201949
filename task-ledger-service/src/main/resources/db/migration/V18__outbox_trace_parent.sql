-- Every outbox row carries the trace context of the request that created its task, written with
-- the row, so the relay sends the `traceparent` header without reading the task.
alter table outbox add column trace_parent text;

update outbox o set trace_parent = t.trace_parent
  from tasks t
 where t.task_id = o.task_id and o.published_seq is null and t.trace_parent is not null;
