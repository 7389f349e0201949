package io.tasklane.ledger.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.ApprovalDecision;
import io.tasklane.contracts.ApprovalRequest;
import io.tasklane.contracts.ConversationMessage;
import io.tasklane.contracts.DeadlineAction;
import io.tasklane.contracts.Executor;
import io.tasklane.contracts.JournalEntryType;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.Runtime;
import io.tasklane.contracts.TaskControl;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.ledger.LedgerProperties;
import io.tasklane.ledger.api.AmbiguousLookupException;
import io.tasklane.ledger.api.BudgetExceededException;
import io.tasklane.ledger.api.IdempotencyConflictException;
import io.tasklane.ledger.api.InvalidRequestException;
import io.tasklane.ledger.api.TaskNotFoundException;
import io.tasklane.ledger.approvals.ApprovalDeadlinePassed;
import io.tasklane.ledger.approvals.ApprovalRules;
import io.tasklane.ledger.approvals.Approvals;
import io.tasklane.ledger.budgets.DailyBudgets;
import io.tasklane.ledger.budgets.TaskBudgets;
import io.tasklane.ledger.events.Outbox;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Creating, finding and steering tasks on behalf of a tenant. */
@Service
public class TaskLedger {

  private final TaskRepository tasks;
  private final Transitions transitions;
  private final TaskEvents events;
  private final Journal journal;
  private final InsertTask insertTask;
  private final TaskJson taskJson;
  private final TaskQueries queries;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final TransactionTemplate tx;
  private final LedgerProperties properties;
  private final MeterRegistry meters;
  private final DailyBudgets dailyBudgets;
  private final TaskApprovals approvals;

  TaskLedger(
      TaskRepository tasks,
      Transitions transitions,
      TaskEvents events,
      Journal journal,
      InsertTask insertTask,
      TaskJson taskJson,
      TaskQueries queries,
      JdbcClient jdbc,
      JsonMapper json,
      TransactionTemplate tx,
      LedgerProperties properties,
      MeterRegistry meters,
      DailyBudgets dailyBudgets,
      TaskApprovals approvals) {
    this.tasks = tasks;
    this.transitions = transitions;
    this.events = events;
    this.journal = journal;
    this.insertTask = insertTask;
    this.taskJson = taskJson;
    this.queries = queries;
    this.jdbc = jdbc;
    this.json = json;
    this.tx = tx;
    this.properties = properties;
    this.meters = meters;
    this.dailyBudgets = dailyBudgets;
    this.approvals = approvals;
  }

  /** The outcome of a create: the task, and whether this call created it. */
  public record Created(TaskView task, boolean created) {}

  public Created create(String tenant, CreateTaskRequest request, String idempotencyKey) {
    checkLimits(request);
    BudgetExceededException[] refused = new BudgetExceededException[1];
    Created created =
        tx.execute(
            status -> {
              UUID taskId = UUID.randomUUID();
              if (idempotencyKey != null) {
                Optional<UUID> earlier =
                    claimIdempotencyKey(tenant, idempotencyKey, request, taskId);
                if (earlier.isPresent()) {
                  return new Created(taskJson.view(load(tenant, earlier.get())), false);
                }
              }
              refused[0] = dailyBudgets.admitTask(tenant);
              if (refused[0] != null) {
                releaseIdempotencyKey(tenant, idempotencyKey, taskId);
                return null;
              }
              return new Created(taskJson.view(insert(tenant, taskId, request)), true);
            });
    if (refused[0] != null) {
      throw refused[0];
    }
    return created;
  }

  public TaskView get(String tenant, UUID taskId) {
    return tx.execute(status -> taskJson.view(load(tenant, taskId)));
  }

  /** Resolves a task id, then a run id, then a child or requester session key. */
  public TaskView lookup(String tenant, String lookup) {
    List<TaskEntity> found = queries.lookup(tenant, lookup, parseUuid(lookup));
    if (found.isEmpty()) {
      throw new TaskNotFoundException(lookup);
    }
    if (found.size() > 1) {
      throw new AmbiguousLookupException(lookup, found.stream().map(task -> task.taskId).toList());
    }
    return taskJson.view(found.getFirst());
  }

  public TaskPage list(String tenant, TaskFilter filter, String cursor, Integer limit) {
    int pageSize =
        Math.min(
            limit == null ? properties.paging().defaultLimit() : Math.max(1, limit),
            properties.paging().maxLimit());
    return queries.page(tenant, filter, cursor, pageSize);
  }

  public JournalPage journal(String tenant, UUID taskId, long afterSeq, Integer limit) {
    int pageSize =
        Math.min(limit == null ? 200 : Math.max(1, limit), properties.paging().maxLimit());
    return tx.execute(
        status -> {
          load(tenant, taskId);
          List<JournalEntry> entries = journal.after(taskId, afterSeq, pageSize);
          long next = entries.isEmpty() ? afterSeq : entries.getLast().seq();
          return new JournalPage(entries, next);
        });
  }

  @RetryOnConflict
  public TaskView cancel(String tenant, UUID taskId, String reason) {
    return change(
        tenant,
        taskId,
        task -> {
          boolean wasRunning = task.status == TaskStatus.RUNNING;
          transitions.apply(
              task, Trigger.CANCEL, reason == null ? "cancelled by operator" : reason, Map.of());
          if (wasRunning && task.executor == Executor.RUNNER) {
            events.control(task, TaskControl.Command.CANCEL, task.statusReason, task.lastEventAt);
          }
        });
  }

  /**
   * Pauses a queued task at once; a running runner task is asked to pause at its next safe point
   * and stays running until the runner reports it paused.
   */
  @RetryOnConflict
  public TaskView pause(String tenant, UUID taskId) {
    return change(
        tenant,
        taskId,
        task -> {
          if (task.status == TaskStatus.RUNNING && task.executor == Executor.RUNNER) {
            Instant at = transitions.now(task);
            task.lastEventAt = at;
            journal.append(task, at, JournalEntryType.OPERATOR_MESSAGE, Map.of("request", "pause"));
            events.control(task, TaskControl.Command.PAUSE, "paused by operator", at);
          } else {
            transitions.apply(task, Trigger.PAUSE, "paused by operator", Map.of());
          }
        });
  }

  /** Queues a paused or stuck task again, from its resume context, with a new attempt. */
  @RetryOnConflict
  public TaskView resume(String tenant, UUID taskId, String message) {
    return change(
        tenant,
        taskId,
        task -> {
          transitions.require(task, Trigger.RESUME);
          TaskBudgets.checkResumable(task.statusReason);
          if (message != null && !message.isBlank()) {
            ResumeContext context = taskJson.resumeContext(task);
            List<ConversationMessage> conversation = new ArrayList<>(context.conversation());
            conversation.add(ConversationMessage.of("user", "Operator: " + message));
            task.resumeContext =
                taskJson.write(
                    new ResumeContext(
                        context.currentStep(),
                        conversation,
                        context.evidence(),
                        context.usage(),
                        context.approval()));
            journal.append(
                task,
                transitions.now(task),
                JournalEntryType.OPERATOR_MESSAGE,
                Map.of("message", message));
          }
          requeue(task, Trigger.RESUME, "resumed by operator", TaskDispatch.Reason.RESUME);
        });
  }

  /**
   * Decides the approval request a task waits for. Approved, denied, or expired with the policy's
   * {@code deny}: the task is queued again, the decision in its resume context. Expired with {@code
   * fail}: the task fails.
   */
  @RetryOnConflict
  public TaskView decideApproval(
      String tenant,
      UUID taskId,
      int number,
      ApprovalDecision decision,
      String caller,
      String comment) {
    return change(
        tenant,
        taskId,
        task -> {
          ApprovalRequest decided =
              approvals.decide(task, number, decision, caller, comment, transitions.now(task));
          if (decision == ApprovalDecision.EXPIRED && decided.onDeadline() == DeadlineAction.FAIL) {
            task.error = "approval request " + number + " expired without a decision";
            transitions.apply(
                task, Trigger.APPROVAL_EXPIRED, "approval_expired", Map.of("approval", number));
            return;
          }
          String by = decision == ApprovalDecision.EXPIRED ? "" : " by " + caller;
          requeue(
              task,
              Trigger.RESUME,
              "approval " + number + " " + decision.wire() + by,
              TaskDispatch.Reason.RESUME);
        });
  }

  @EventListener
  public void approvalDeadlinePassed(ApprovalDeadlinePassed due) {
    decideApproval(
        due.tenant(),
        due.taskId(),
        due.number(),
        ApprovalDecision.EXPIRED,
        Approvals.DEADLINE,
        null);
  }

  /** Runs a failed, timed-out, cancelled or lost task again: same task, attempt + 1. */
  @RetryOnConflict
  public TaskView retry(String tenant, UUID taskId) {
    return change(
        tenant,
        taskId,
        task -> requeue(task, Trigger.RETRY, "retried by operator", TaskDispatch.Reason.RETRY));
  }

  @RetryOnConflict
  public TaskView changeNotifyPolicy(String tenant, UUID taskId, NotifyPolicy policy) {
    return change(
        tenant,
        taskId,
        task -> {
          if (task.notifyPolicy == policy) {
            return;
          }
          NotifyPolicy previous = task.notifyPolicy;
          task.notifyPolicy = policy;
          Instant at = transitions.now(task);
          task.lastEventAt = at;
          long seq =
              journal.append(
                  task,
                  at,
                  JournalEntryType.NOTIFY_POLICY_CHANGED,
                  Map.of("from", previous.wire(), "to", policy.wire()));
          DeliveryState.policyChanged(task, seq);
          events.lifecycle(
              task, TaskLifecycleEvent.TYPE_NOTIFY_POLICY_CHANGED, seq, at, task.status);
          if (task.status == TaskStatus.RUNNING && task.executor == Executor.RUNNER) {
            events.control(task, TaskControl.Command.NOTIFY_POLICY, "notify policy changed", at);
          }
        });
  }

  private void requeue(
      TaskEntity task, Trigger trigger, String reason, TaskDispatch.Reason dispatchReason) {
    task.attempt++;
    transitions.apply(task, trigger, reason, Map.of("attempt", task.attempt));
    if (task.executor == Executor.RUNNER) {
      events.dispatch(task, dispatchReason, task.lastEventAt);
    }
  }

  private TaskView change(
      String tenant, UUID taskId, java.util.function.Consumer<TaskEntity> action) {
    return tx.execute(
        status -> {
          TaskEntity task = load(tenant, taskId);
          action.accept(task);
          return taskJson.view(tasks.saveAndFlush(task));
        });
  }

  private TaskEntity load(String tenant, UUID taskId) {
    return tasks
        .findByTaskIdAndTenant(taskId, tenant)
        .orElseThrow(() -> new TaskNotFoundException(taskId.toString()));
  }

  private TaskEntity insert(String tenant, UUID taskId, CreateTaskRequest request) {
    Runtime runtime = request.runtime() == null ? Runtime.SUBAGENT : request.runtime();
    TaskEntity parent = null;
    if (request.parentTaskId() != null) {
      parent =
          tasks
              .findByTaskIdAndTenant(request.parentTaskId(), tenant)
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "parentTaskId", "parent task " + request.parentTaskId() + " not found"));
    }
    NotifyPolicy policy = request.notifyPolicy();
    if (policy == null) {
      policy =
          parent != null && parent.runtime == Runtime.CRON
              ? NotifyPolicy.SILENT
              : NotifyPolicy.defaultFor(runtime);
    }
    TaskEntity task = new TaskEntity();
    task.taskId = taskId;
    task.tenant = tenant;
    task.runtime = runtime;
    task.executor = request.executor() == null ? Executor.RUNNER : request.executor();
    task.label = request.label();
    task.goal = request.goal();
    task.status = TaskStatus.QUEUED;
    task.notifyPolicy = policy;
    task.requesterSessionKey = request.requesterSessionKey();
    DeliveryState.created(task);
    task.ownerKey = request.ownerKey();
    task.childSessionKey = "task_" + taskId;
    task.runId = request.runId() == null ? "run_" + taskId : request.runId();
    task.parentFlowId = request.parentFlowId();
    task.parentTaskId = request.parentTaskId();
    task.attempt = 1;
    task.modelOptions = taskJson.write(request.modelOptions());
    task.runTimeoutSeconds = request.runTimeoutSeconds();
    task.metadata = taskJson.write(request.metadata() == null ? Map.of() : request.metadata());
    if (request.plan() != null) {
      for (int i = 0; i < request.plan().size(); i++) {
        var step = request.plan().get(i);
        task.plan.add(
            new PlanStepRow(
                PlanStep.pending(i, step.description(), step.doneWhen(), step.check())));
      }
    }
    Instant at = transitions.now(task);
    task.createdAt = at;
    task.lastEventAt = at;
    long seq = task.nextSeq();
    List<Outbox.Message> messages = new ArrayList<>(2);
    messages.add(events.lifecycleMessage(task, TaskLifecycleEvent.TYPE_CREATED, seq, at, null));
    if (task.executor == Executor.RUNNER) {
      messages.add(events.dispatchMessage(task, TaskDispatch.Reason.CREATED, at));
    }
    insertTask.insert(
        task,
        Map.of("runtime", runtime.wire(), "executor", task.executor.wire(), "goal", task.goal),
        messages);
    transitions.created(task);
    Transitions.afterCommit(
        () ->
            Counter.builder("tasklane.tasks.creations")
                .description("Tasks created")
                .tag("runtime", runtime.wire())
                .register(meters)
                .increment());
    return task;
  }

  /** Takes back a key this create claimed, when the create is refused after all. */
  private void releaseIdempotencyKey(String tenant, String key, UUID taskId) {
    if (key != null) {
      jdbc.sql(
              "delete from idempotency_keys where tenant = :tenant and key = :key and task_id = :taskId")
          .param("tenant", tenant)
          .param("key", key)
          .param("taskId", taskId)
          .update();
    }
  }

  private Optional<UUID> claimIdempotencyKey(
      String tenant, String key, CreateTaskRequest request, UUID taskId) {
    String hash = sha256(json.writeValueAsString(request));
    int inserted =
        jdbc.sql(
                """
                insert into idempotency_keys (tenant, key, request_hash, task_id, created_at)
                values (:tenant, :key, :hash, :taskId, :at) on conflict do nothing
                """)
            .param("tenant", tenant)
            .param("key", key)
            .param("hash", hash)
            .param("taskId", taskId)
            .param("at", Timestamp.from(Instant.now()))
            .update();
    if (inserted == 1) {
      return Optional.empty();
    }
    var earlier =
        jdbc.sql(
                "select request_hash, task_id from idempotency_keys where tenant = :tenant and key = :key")
            .param("tenant", tenant)
            .param("key", key)
            .query((rs, i) -> Map.entry(rs.getString(1), rs.getObject(2, UUID.class)))
            .single();
    if (!earlier.getKey().equals(hash)) {
      throw new IdempotencyConflictException(key);
    }
    return Optional.of(earlier.getValue());
  }

  private void checkLimits(CreateTaskRequest request) {
    ToolChoice.check(request.modelOptions(), "modelOptions");
    TaskBudgets.problem(request.modelOptions(), "modelOptions")
        .ifPresent(
            problem -> {
              throw new InvalidRequestException(problem.field(), problem.message());
            });
    if (request.modelOptions() != null) {
      ApprovalRules.problem(request.modelOptions().approvals(), "modelOptions.approvals")
          .ifPresent(
              problem -> {
                throw new InvalidRequestException(problem.field(), problem.message());
              });
    }
    var limits = properties.limits();
    if (request.goal() != null && request.goal().length() > limits.goalChars()) {
      throw new InvalidRequestException(
          "goal", "goal is longer than " + limits.goalChars() + " characters");
    }
    if (request.label() != null && request.label().length() > limits.labelChars()) {
      throw new InvalidRequestException(
          "label", "label is longer than " + limits.labelChars() + " characters");
    }
    if (request.plan() != null) {
      if (request.plan().size() > limits.planSteps()) {
        throw new InvalidRequestException(
            "plan", "plan has more than " + limits.planSteps() + " steps");
      }
      for (int i = 0; i < request.plan().size(); i++) {
        var step = request.plan().get(i);
        if (step.description().length() + step.doneWhen().length() > limits.stepChars()) {
          throw new InvalidRequestException(
              "plan", "a plan step is longer than " + limits.stepChars() + " characters");
        }
        if (step.check() != null) {
          String field = "plan[" + i + "].check";
          step.check()
              .problem()
              .ifPresent(
                  problem -> {
                    throw new InvalidRequestException(field, field + ": " + problem);
                  });
        }
      }
    }
    if (request.metadata() != null) {
      if (request.metadata().size() > limits.metadataEntries()) {
        throw new InvalidRequestException(
            "metadata", "metadata has more than " + limits.metadataEntries() + " entries");
      }
      for (var entry : request.metadata().entrySet()) {
        if (entry.getValue() == null) {
          throw new InvalidRequestException(
              "metadata", "metadata value of '" + entry.getKey() + "' is null");
        }
        if (entry.getKey().length() > 100
            || entry.getValue().length() > limits.metadataValueChars()) {
          throw new InvalidRequestException(
              "metadata", "metadata entry '" + entry.getKey() + "' is too long");
        }
      }
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static UUID parseUuid(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
