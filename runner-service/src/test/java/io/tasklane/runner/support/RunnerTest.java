package io.tasklane.runner.support;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskControl;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.Topics;
import io.tasklane.testsupport.TestKafka;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * One runner against a real broker, the scripted model server over HTTP (executor and planner in
 * the OpenAI format, verifier in the Ollama format) and the ledger's claim API. Each test uses
 * model names of its own, so scripts never leak between tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class RunnerTest {

  protected static final ScriptedModelServer MODELS = ScriptedModelServer.start();
  protected static final LedgerStub LEDGER = LedgerStub.start();
  protected static final ReportLog REPORTS = ReportLog.start(TestKafka.get().bootstrapServers());
  protected static final Path WORKSPACES = tempDir();
  protected static final int DISPATCH_PARTITIONS = 3;
  private static final KafkaProducer<String, String> PRODUCER =
      new KafkaProducer<>(
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers(),
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
  private static final Admin ADMIN =
      Admin.create(
          Map.<String, Object>of(
              AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.get().bootstrapServers()));
  private static final AtomicInteger NAMES = new AtomicInteger();

  @Autowired protected JsonMapper json;
  @Autowired private KafkaListenerEndpointRegistry listeners;

  @DynamicPropertySource
  static void wiring(DynamicPropertyRegistry registry) {
    TestKafka.get().register(registry);
    registry.add("tasklane.runner.runner-id", () -> "runner-under-test");
    registry.add("spring.kafka.consumer.properties.session.timeout.ms", () -> "6000");
    registry.add("spring.kafka.consumer.properties.heartbeat.interval.ms", () -> "1000");
    registry.add("tasklane.runner.ledger-url", LEDGER::url);
    registry.add("tasklane.runner.slots", () -> 3);
    registry.add("tasklane.runner.heartbeat-interval", () -> "300ms");
    registry.add("tasklane.runner.models.executor.provider", () -> "openai");
    registry.add("tasklane.runner.models.executor.base-url", MODELS::openAiBaseUrl);
    registry.add("tasklane.runner.models.executor.model", () -> "unused-default-executor");
    registry.add("tasklane.runner.models.verifier.provider", () -> "ollama");
    registry.add("tasklane.runner.models.verifier.base-url", MODELS::ollamaBaseUrl);
    registry.add("tasklane.runner.models.verifier.model", () -> "unused-default-verifier");
    registry.add("tasklane.runner.models.round-timeout", () -> "20s");
    registry.add("tasklane.runner.models.max-concurrent-requests-per-endpoint", () -> 2);
    registry.add("tasklane.runner.retry.initial-backoff", () -> "50ms");
    registry.add("tasklane.runner.retry.max-backoff", () -> "200ms");
    registry.add("tasklane.runner.tools.workspace-root", WORKSPACES::toString);
    registry.add("tasklane.runner.tools.http-fetch.allowed-hosts", () -> "127.0.0.1");
  }

  @BeforeEach
  void controlListenerIsListening() {
    ContainerTestUtils.waitForAssignment(listeners.getListenerContainer("tasklane-control"), 3);
  }

  /** Model names for one test: executor, planner, verifier. */
  protected record Models(String executor, String planner, String verifier) {}

  protected static Models models() {
    int n = NAMES.incrementAndGet();
    return new Models("executor-" + n, "planner-" + n, "verifier-" + n);
  }

  protected static ModelOptions options(Models models) {
    return new ModelOptions(
        models.executor(), models.planner(), models.verifier(), null, null, null);
  }

  protected static ModelOptions options(
      Models models, List<String> tools, Integer roundTimeoutSeconds, Integer runTimeoutSeconds) {
    return new ModelOptions(
        models.executor(),
        models.planner(),
        models.verifier(),
        tools,
        roundTimeoutSeconds,
        runTimeoutSeconds);
  }

  protected static List<PlanStep> plan(String... descriptionAndDoneWhen) {
    List<PlanStep> steps = new ArrayList<>();
    for (int i = 0; i < descriptionAndDoneWhen.length; i += 2) {
      steps.add(PlanStep.pending(i / 2, descriptionAndDoneWhen[i], descriptionAndDoneWhen[i + 1]));
    }
    return steps;
  }

  protected static TaskClaim.Granted task(String goal, List<PlanStep> plan, ModelOptions options) {
    return task(UUID.randomUUID(), 1, goal, plan, 0, ResumeContext.empty(), options);
  }

  protected static TaskClaim.Granted task(
      UUID taskId,
      int attempt,
      String goal,
      List<PlanStep> plan,
      int currentStep,
      ResumeContext resume,
      ModelOptions options) {
    return new TaskClaim.Granted(
        taskId,
        "acme",
        attempt,
        "run-" + taskId,
        goal,
        "test task",
        "task_" + taskId,
        NotifyPolicy.DONE_ONLY,
        plan,
        currentStep,
        resume,
        options,
        Instant.now().plusSeconds(60),
        Map.of());
  }

  /** Offers the task on the ledger and dispatches it, as the ledger's outbox would. */
  protected void dispatch(TaskClaim.Granted task) {
    LEDGER.offer(task);
    dispatchOnly(task);
  }

  /** Dispatches the task's attempt without changing what the ledger offers. */
  protected void dispatchOnly(TaskClaim.Granted task) {
    send(
        Topics.TASK_DISPATCH,
        task.taskId(),
        new TaskDispatch(
            UUID.randomUUID(),
            task.taskId(),
            task.tenant(),
            task.attempt(),
            TaskDispatch.Reason.CREATED,
            Instant.now()));
  }

  protected void control(TaskClaim.Granted task, TaskControl.Command command) {
    send(
        Topics.TASK_CONTROL,
        task.taskId(),
        new TaskControl(
            UUID.randomUUID(),
            task.taskId(),
            task.tenant(),
            task.attempt(),
            command,
            null,
            "by the test",
            Instant.now()));
  }

  /** A task id whose dispatch record, keyed by it, lands on {@code partition}. */
  protected static UUID taskIdOnPartition(int partition) {
    while (true) {
      UUID id = UUID.randomUUID();
      byte[] key = id.toString().getBytes(StandardCharsets.UTF_8);
      if (Utils.toPositive(Utils.murmur2(key)) % DISPATCH_PARTITIONS == partition) {
        return id;
      }
    }
  }

  protected static Path workspace(TaskClaim.Granted task) {
    return WORKSPACES.resolve(task.taskId().toString());
  }

  /** Waits (up to a generous limit) until {@code condition} holds. */
  protected static void eventually(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Never happened: " + what);
      }
      ReportLog.sleep(20);
    }
  }

  private RecordMetadata send(String topic, UUID key, Object message) {
    try {
      return PRODUCER
          .send(new ProducerRecord<>(topic, key.toString(), json.writeValueAsString(message)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("runner-workspaces").toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
