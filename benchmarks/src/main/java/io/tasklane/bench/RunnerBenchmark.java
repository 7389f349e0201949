package io.tasklane.bench;

import io.tasklane.contracts.ModelOptions;
import io.tasklane.contracts.NotifyPolicy;
import io.tasklane.contracts.PlanStep;
import io.tasklane.contracts.ResumeContext;
import io.tasklane.contracts.TaskClaim;
import io.tasklane.contracts.TaskDispatch;
import io.tasklane.contracts.TaskStatus;
import io.tasklane.contracts.Topics;
import io.tasklane.testsupport.model.RecordedRequest;
import io.tasklane.testsupport.model.Reply;
import io.tasklane.testsupport.model.Script;
import io.tasklane.testsupport.model.ScriptedModelServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures one runner started from its jar, over real HTTP and a real (in-process KRaft) broker,
 * against the scripted model server and a claim-only ledger stub.
 *
 * <p>Overhead: tasks run one after another against a model that answers at once; for every pair of
 * consecutive model requests of a task, the time between the server finishing one answer and
 * receiving the next request is what the runner spent on that round beyond the model call (reading
 * the reply, running the tool, reporting, building the next prompt, HTTP on loopback).
 *
 * <p>Concurrency: many tasks dispatched at once against a model that answers after a delay; all
 * must end succeeded while the runner's heap is sampled from its metrics endpoint.
 */
@Command(name = "runner-benchmark", mixinStandardHelpOptions = true)
public final class RunnerBenchmark implements Callable<Integer> {

  @Option(names = "--home", defaultValue = ".", description = "The checkout with built jars.")
  Path home;

  @Option(names = "--heap", defaultValue = "512m", description = "The runner's -Xmx.")
  String heap;

  @Option(names = "--warmup-tasks", defaultValue = "100")
  int warmupTasks;

  @Option(names = "--overhead-tasks", defaultValue = "300")
  int overheadTasks;

  @Option(names = "--tool-rounds", defaultValue = "10", description = "Tool rounds per task.")
  int toolRounds;

  @Option(names = "--concurrent-tasks", defaultValue = "2000")
  int concurrentTasks;

  @Option(names = "--model-delay", defaultValue = "2s", converter = DurationConverter.class)
  Duration modelDelay;

  @Option(
      names = "--slow-tool-rounds",
      defaultValue = "20",
      description = "Tool rounds per task against the slow model: enough to outlast the intake.")
  int slowToolRounds;

  @Option(names = "--skip-overhead", defaultValue = "false")
  boolean skipOverhead;

  @Option(names = "--skip-concurrency", defaultValue = "false")
  boolean skipConcurrency;

  private static final Pattern GC_AFTER = Pattern.compile("->(\\d+)M\\((\\d+)M\\)");

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private final AtomicLong sequence = new AtomicLong();

  public static void main(String[] args) {
    System.exit(new CommandLine(new RunnerBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    EmbeddedKafkaKraftBroker broker =
        new EmbeddedKafkaKraftBroker(
            1,
            3,
            Topics.TASK_DISPATCH,
            Topics.TASK_CONTROL,
            Topics.RUNNER_REPORTS,
            Topics.TASK_LIFECYCLE,
            Topics.DELIVERY_REPORTS);
    broker.afterPropertiesSet();
    Path work = Files.createTempDirectory("runner-benchmark");
    try (ScriptedModelServer models = ScriptedModelServer.start();
        ClaimStub ledger = ClaimStub.start();
        RunnerReports reports = new RunnerReports(broker.getBrokersAsString());
        KafkaProducer<String, String> producer = producer(broker.getBrokersAsString())) {
      models.script("slow", workingModel(slowToolRounds, modelDelay));
      int port = freePort();
      Process runner = startRunner(broker.getBrokersAsString(), models, ledger, port, work);
      try {
        awaitReady(port, runner);
        Bench bench = new Bench(models, ledger, reports, producer, port);
        if (!skipOverhead) {
          overhead(bench);
        }
        if (!skipConcurrency) {
          concurrency(bench, work.resolve("gc.log"));
        }
      } finally {
        runner.destroy();
        if (!runner.waitFor(30, TimeUnit.SECONDS)) {
          runner.destroyForcibly();
        }
      }
    } finally {
      broker.destroy();
    }
    return 0;
  }

  private record Bench(
      ScriptedModelServer models,
      ClaimStub ledger,
      RunnerReports reports,
      KafkaProducer<String, String> producer,
      int port) {}

  private void overhead(Bench bench) throws Exception {
    System.out.printf(
        "Overhead: %d warm-up tasks, then %d tasks one at a time, %d tool rounds each, instant model%n",
        warmupTasks, overheadTasks, toolRounds);
    runOneAtATime(bench, warmupTasks);
    List<String> measured = runOneAtATime(bench, overheadTasks);
    List<Long> gaps = new ArrayList<>();
    List<Long> handling = new ArrayList<>();
    for (String model : measured) {
      List<RecordedRequest> requests =
          bench.models().requests(model).stream()
              .sorted(Comparator.comparingLong(RecordedRequest::receivedNanos))
              .toList();
      for (int i = 0; i < requests.size(); i++) {
        handling.add(requests.get(i).completedNanos() - requests.get(i).receivedNanos());
        if (i > 0) {
          gaps.add(requests.get(i).receivedNanos() - requests.get(i - 1).completedNanos());
        }
      }
    }
    System.out.printf(
        "rounds=%d (model requests %d), overhead per round: median=%.2f ms p90=%.2f ms p99=%.2f ms"
            + " max=%.2f ms; model server handling per request: median=%.2f ms%n",
        gaps.size(),
        handling.size(),
        millis(percentile(gaps, 50)),
        millis(percentile(gaps, 90)),
        millis(percentile(gaps, 99)),
        millis(percentile(gaps, 100)),
        millis(percentile(handling, 50)));
  }

  /** Runs tasks one after another, each with a model of its own; returns the model names. */
  private List<String> runOneAtATime(Bench bench, int tasks) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      String model = "instant-" + sequence.incrementAndGet();
      bench.models().script(model, workingModel(toolRounds, Duration.ZERO));
      UUID taskId = dispatch(bench, model);
      if (bench.reports().awaitEnds(List.of(taskId), Duration.ofMinutes(2)) != 1) {
        throw new IllegalStateException("Task " + taskId + " did not end");
      }
      if (bench.reports().end(taskId).outcome() != TaskStatus.SUCCEEDED) {
        throw new IllegalStateException(
            "Task " + taskId + " ended " + bench.reports().end(taskId).outcome());
      }
      names.add(model);
    }
    return names;
  }

  private void concurrency(Bench bench, Path gcLog) throws Exception {
    System.out.printf(
        "Concurrency: %d tasks dispatched at once, model answers after %s, runner -Xmx%s%n",
        concurrentTasks, modelDelay, heap);
    long gcLinesBefore = Files.exists(gcLog) ? Files.readAllLines(gcLog).size() : 0;
    List<UUID> tasks = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < concurrentTasks; i++) {
      tasks.add(dispatch(bench, "slow"));
    }
    bench.producer().flush();
    double peakHeap = 0;
    double peakRunning = 0;
    long peakReached = started;
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    long ended = 0;
    while (ended < tasks.size() && System.nanoTime() < deadline) {
      peakHeap = Math.max(peakHeap, metric(bench.port(), "jvm.memory.used?tag=area:heap"));
      double running = metric(bench.port(), "tasklane.runner.tasks.running");
      if (running > peakRunning) {
        peakRunning = running;
        peakReached = System.nanoTime();
      }
      ended = tasks.stream().filter(t -> bench.reports().end(t) != null).count();
      Thread.sleep(250);
    }
    long lastEnd =
        tasks.stream()
            .map(bench.reports()::end)
            .filter(e -> e != null)
            .mapToLong(RunnerReports.End::seenNanos)
            .max()
            .orElse(System.nanoTime());
    long succeeded =
        tasks.stream()
            .map(bench.reports()::end)
            .filter(e -> e != null && e.outcome() == TaskStatus.SUCCEEDED)
            .count();
    long[] afterGc = afterGc(gcLog, gcLinesBefore);
    System.out.printf(
        "ended=%d succeeded=%d of %d; wall time first dispatch to last end=%.1f s"
            + " (each task makes %d model calls of %s: %.0f s minimum);"
            + " peak tasks running=%.0f, reached after %.1f s;"
            + " peak heap used (sampled every 250 ms)=%.0f MB;"
            + " heap after GC: max=%d MB over %d collections (heap size %d MB);"
            + " claims in flight at once (since the runner started)=%d%n",
        ended,
        succeeded,
        tasks.size(),
        (lastEnd - started) / 1e9,
        slowToolRounds + 3,
        modelDelay,
        (slowToolRounds + 3) * modelDelay.toMillis() / 1000.0,
        peakRunning,
        (peakReached - started) / 1e9,
        peakHeap / (1024 * 1024),
        afterGc[0],
        afterGc[1],
        afterGc[2],
        bench.ledger().maxInFlight());
  }

  /** Max heap after a collection, number of collections, and the heap size, from the GC log. */
  private static long[] afterGc(Path gcLog, long skipLines) throws IOException {
    long max = 0;
    long count = 0;
    long size = 0;
    try (Stream<String> lines = Files.lines(gcLog)) {
      for (String line : (Iterable<String>) lines.skip(skipLines)::iterator) {
        Matcher m = GC_AFTER.matcher(line);
        if (line.contains("Pause") && m.find()) {
          max = Math.max(max, Long.parseLong(m.group(1)));
          size = Math.max(size, Long.parseLong(m.group(2)));
          count++;
        }
      }
    }
    return new long[] {max, count, size};
  }

  /**
   * A model that does a step's work in {@code toolRounds} rounds of write_file calls, then says it
   * is done; as verifier it answers YES, and it writes a one-line summary.
   */
  private static Script workingModel(int toolRounds, Duration delay) {
    return request -> {
      Reply reply;
      if (request.format() == RecordedRequest.WireFormat.OLLAMA) {
        reply = Reply.text("YES the files were written");
      } else if (request.messages().getFirst().content().startsWith("Write a short final")) {
        reply = Reply.text("The files were written.");
      } else {
        long done = request.messages().stream().filter(m -> m.role().equals("tool")).count();
        reply =
            done < toolRounds
                ? Reply.toolCall(
                    "write_file",
                    "{\"path\":\"round-" + done + ".txt\",\"content\":\"round " + done + "\"}")
                : Reply.text("All files are written.");
      }
      return delay.isZero() ? reply : Reply.after(delay, reply);
    };
  }

  private UUID dispatch(Bench bench, String model) {
    UUID taskId = UUID.randomUUID();
    bench
        .ledger()
        .offer(
            new TaskClaim.Granted(
                taskId,
                "bench",
                1,
                "run_" + taskId,
                "Write the round files",
                "bench",
                "task_" + taskId,
                NotifyPolicy.SILENT,
                List.of(PlanStep.pending(0, "Write the round files", "the files exist")),
                0,
                ResumeContext.empty(),
                new ModelOptions(model, model, model, null, null, null),
                Instant.now().plusSeconds(600),
                Map.of()));
    var dispatch =
        new TaskDispatch(
            UUID.randomUUID(), taskId, "bench", 1, TaskDispatch.Reason.CREATED, Instant.now());
    bench
        .producer()
        .send(
            new ProducerRecord<>(
                Topics.TASK_DISPATCH, taskId.toString(), json.writeValueAsString(dispatch)));
    return taskId;
  }

  private Process startRunner(
      String bootstrap, ScriptedModelServer models, ClaimStub ledger, int port, Path work)
      throws IOException {
    Path jar;
    Path target = home.resolve("runner-service/target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      jar =
          files
              .filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "No runner jar under " + target + "; build it first"));
    }
    int tasks = Math.max(concurrentTasks, 1);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + heap,
            "-Xlog:gc:file=" + work.resolve("gc.log"),
            "-jar",
            jar.toString(),
            "--server.port=" + port,
            "--spring.kafka.bootstrap-servers=" + bootstrap,
            "--management.endpoint.health.probes.enabled=true",
            "--logging.level.root=warn",
            "--tasklane.runner.runner-id=bench-runner",
            "--tasklane.runner.ledger-url=" + ledger.url(),
            "--tasklane.runner.slots=" + tasks,
            "--tasklane.runner.max-rounds-per-step=" + (Math.max(toolRounds, slowToolRounds) + 2),
            // the scripted work writes round-0.txt, round-1.txt ...: a counter loop by the guard's
            // rule, allowed here so that every round is measured
            "--tasklane.runner.loop-guard.counter-at=" + (Math.max(toolRounds, slowToolRounds) + 2),
            "--tasklane.runner.tools.workspace-root=" + work.resolve("workspaces"),
            "--tasklane.runner.models.executor.provider=openai",
            "--tasklane.runner.models.executor.base-url=" + models.openAiBaseUrl(),
            "--tasklane.runner.models.verifier.provider=ollama",
            "--tasklane.runner.models.verifier.base-url=" + models.ollamaBaseUrl(),
            "--tasklane.runner.models.max-concurrent-requests-per-endpoint=" + tasks);
    System.out.println("Starting the runner: -Xmx" + heap + ", slots " + tasks);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("runner.log").toFile());
    // the claim stub does not check signatures, but the runner does not start without a key
    builder.environment().put(BenchIdentity.KEY_ENV, HexFormat.of().formatHex(randomKey()));
    return builder.start();
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return key;
  }

  private void awaitReady(int port, Process runner) throws InterruptedException {
    URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!runner.isAlive()) {
        throw new IllegalStateException("The runner exited during start-up");
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("The runner did not become ready");
  }

  private double metric(int port, String nameAndTag) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/metrics/" + nameAndTag))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      return 0;
    }
    JsonNode measurements = json.readTree(response.body()).get("measurements");
    return measurements.get(0).get("value").asDouble();
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase();
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.parse(value);
    }
  }
}
