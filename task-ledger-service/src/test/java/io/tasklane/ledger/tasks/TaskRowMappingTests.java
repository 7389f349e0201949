package io.tasklane.ledger.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Transient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task row is mapped four times: by JPA ({@link TaskEntity}), by the read queries ({@link
 * TaskQueries}), by the creation statement ({@link InsertTask}) and by the write of a report batch
 * ({@link ReportBatch}). These tests hold them to the same columns, so a column added to one and
 * forgotten in another fails here, not in production.
 */
@Tag("fast")
class TaskRowMappingTests {

  /** Columns a new task starts without: the database default (null, or 0) is its value. */
  private static final Set<String> SET_AFTER_CREATION =
      Set.of(
          "status_reason",
          "delivery_sequence",
          "runner_id",
          "lease_expires_at",
          "resume_context",
          "started_at",
          "ended_at",
          "cleanup_after",
          "error",
          "progress_summary",
          "terminal_summary");

  /** Columns no runner report changes, so a report batch does not write them. */
  private static final Set<String> FIXED_FOR_REPORTS =
      Set.of(
          "task_id",
          "tenant",
          "runtime",
          "executor",
          "label",
          "goal",
          "notify_policy",
          "requester_session_key",
          "owner_key",
          "child_session_key",
          "run_id",
          "parent_flow_id",
          "parent_task_id",
          "model_options",
          "run_timeout_seconds",
          "created_at",
          "metadata",
          "trace_parent");

  private static final Map<String, String> WIRE_VALUES =
      Map.of(
          "runtime", "subagent",
          "executor", "runner",
          "status", "queued",
          "delivery_status", "not_applicable",
          "notify_policy", "silent");

  @Test
  void theReadQueriesMapEveryColumnOfTheEntity() {
    Set<String> read = columnsReadByTheQueries();
    read.remove("plan_json");

    assertThat(read).containsExactlyInAnyOrderElementsOf(entityColumns());
  }

  @Test
  void theCreationStatementWritesEveryColumnOfTheEntityANewTaskHas() {
    Set<String> written = columnsWrittenAtCreation();

    Set<String> expected = new LinkedHashSet<>(entityColumns());
    expected.removeAll(SET_AFTER_CREATION);
    assertThat(written).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aReportBatchWritesEveryColumnOfTheEntityThatAReportCanChange() {
    Set<String> written = columnsWrittenByAReportBatch();

    Set<String> expected = new LinkedHashSet<>(entityColumns());
    expected.removeAll(FIXED_FOR_REPORTS);
    assertThat(written).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theColumnsANewTaskStartsWithoutAreColumnsOfTheEntity() {
    assertThat(entityColumns()).containsAll(SET_AFTER_CREATION);
  }

  /** The entity's persistent fields, named as the default naming strategy names their columns. */
  private static Set<String> entityColumns() {
    return Arrays.stream(TaskEntity.class.getDeclaredFields())
        .filter(field -> !Modifier.isStatic(field.getModifiers()))
        .filter(field -> !field.isAnnotationPresent(Transient.class))
        .filter(field -> !field.isAnnotationPresent(ElementCollection.class))
        .map(TaskRowMappingTests::column)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static String column(Field field) {
    Column column = field.getAnnotation(Column.class);
    if (column != null && !column.name().isEmpty()) {
      return column.name();
    }
    return field.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
  }

  /** Runs a lookup against a row that records which columns the mapping asks for. */
  private static Set<String> columnsReadByTheQueries() {
    Set<String> asked = new LinkedHashSet<>();
    ResultSet row =
        proxy(
            ResultSet.class,
            (method, args) -> {
              if (args == null || args.length == 0 || !(args[0] instanceof String column)) {
                throw new UnsupportedOperationException(method);
              }
              asked.add(column);
              return switch (method) {
                case "getInt" -> 0;
                case "getLong" -> 0L;
                case "getString" -> WIRE_VALUES.get(column);
                default -> null;
              };
            });
    JdbcClient jdbc = statementRunning(mapper -> mapper.mapRow(row, 0));
    new TaskQueries(jdbc, JsonMapper.builder().build()).lookup("acme", "x", UUID.randomUUID());
    return asked;
  }

  /** Starts the creation statement and stops it when it is sent, keeping its SQL. */
  private static Set<String> columnsWrittenAtCreation() {
    JdbcClient jdbc =
        proxy(
            JdbcClient.class,
            (method, args) -> {
              throw new StatementSent((String) args[0]);
            });
    TaskEntity task = new TaskEntity();
    task.createdAt = Instant.now();
    Throwable sent =
        catchThrowable(
            () -> new InsertTask(jdbc, null, null, null).insert(task, Map.of(), List.of()));
    assertThat(sent).isInstanceOf(StatementSent.class);
    Matcher columns =
        Pattern.compile("insert into tasks \\(([^)]*)\\)").matcher(((StatementSent) sent).sql);
    assertThat(columns.find()).as("the statement inserts into tasks").isTrue();
    return Arrays.stream(columns.group(1).split(","))
        .map(String::strip)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Starts a report batch's write of one task and stops it when it is sent, keeping its SQL. */
  private static Set<String> columnsWrittenByAReportBatch() {
    JdbcClient jdbc =
        proxy(
            JdbcClient.class,
            (method, args) -> {
              throw new StatementSent((String) args[0]);
            });
    Throwable sent =
        catchThrowable(() -> new ReportBatch(jdbc, null).write(List.of(new TaskEntity())));
    assertThat(sent).isInstanceOf(StatementSent.class);
    String sql = ((StatementSent) sent).sql;
    Matcher assignments =
        Pattern.compile("update tasks t\\s+set (.*?)\\s+from unnest", Pattern.DOTALL).matcher(sql);
    assertThat(assignments.find()).as("the statement updates tasks").isTrue();
    return Arrays.stream(assignments.group(1).split(","))
        .map(assignment -> assignment.substring(0, assignment.indexOf('=')).strip())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static final class StatementSent extends RuntimeException {
    final String sql;

    StatementSent(String sql) {
      super(null, null, false, false);
      this.sql = sql;
    }
  }

  private interface Answer {
    Object answer(String method, Object[] args) throws Exception;
  }

  /** A client whose every statement hands its row mapper to {@code rows} and returns one row. */
  private static JdbcClient statementRunning(RowCall rows) {
    Object[] statement = new Object[1];
    statement[0] =
        proxy(
            JdbcClient.StatementSpec.class,
            (method, args) ->
                switch (method) {
                  case "param" -> statement[0];
                  case "query" -> {
                    Object mapped = rows.call((RowMapper<?>) args[0]);
                    yield proxy(
                        JdbcClient.MappedQuerySpec.class,
                        (listMethod, none) -> {
                          if (!listMethod.equals("list")) {
                            throw new UnsupportedOperationException(listMethod);
                          }
                          return List.of(mapped);
                        });
                  }
                  default -> throw new UnsupportedOperationException(method);
                });
    return proxy(JdbcClient.class, (method, args) -> statement[0]);
  }

  private interface RowCall {
    Object call(RowMapper<?> mapper) throws Exception;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, Answer answer) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> answer.answer(method.getName(), args));
  }
}
