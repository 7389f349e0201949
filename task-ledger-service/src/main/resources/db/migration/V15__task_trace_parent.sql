-- The W3C trace context of the request that created the task. The outbox relay sends it as the
-- `traceparent` header of every message about the task, so one trace follows the task through
-- the runners and the notifier.
alter table tasks add column trace_parent text;
