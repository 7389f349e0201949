-- A plan step's structured done-when check (PlanCheck as JSON), evaluated by the runner.
alter table plan_steps add column done_check jsonb;
