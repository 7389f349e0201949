package io.tasklane.ledger.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.Topics;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Tells a dispatch that is still on its way to a runner from one that was lost, so that a queued
 * task waiting behind others is not dispatched again.
 *
 * <p>A dispatch is on its way while its outbox row is unpublished (the relay will publish it), or
 * while its partition of the dispatch topic is held by a member of the {@code runners} group that
 * has not yet committed up to the partition's end. A member stays in the group only while it polls,
 * and a runner polls while its slots are full (it pauses fetching, not polling), so a held
 * partition with records beyond the committed offset is a pipeline at work: those records wait for
 * a slot, and a second dispatch would only wait behind them. A dispatch is lost when no runner
 * holds its partition, or when the runners have committed everything on it (the record was settled,
 * yet the task is still queued). When Kafka cannot be asked, every dispatch counts as on its way: a
 * redispatch would wait in the outbox anyway.
 */
@Component
public class DispatchPipeline {

  private static final Logger log = LoggerFactory.getLogger(DispatchPipeline.class);
  private static final long ASK_TIMEOUT_MS = 5_000;

  private final KafkaAdmin kafkaAdmin;
  private final JdbcClient jdbc;
  private final Counter heldBack;
  private volatile Admin admin;

  DispatchPipeline(KafkaAdmin kafkaAdmin, JdbcClient jdbc, MeterRegistry meters) {
    this.kafkaAdmin = kafkaAdmin;
    this.jdbc = jdbc;
    this.heldBack =
        Counter.builder("tasklane.tasks.redispatch.held_back")
            .description(
                "Queued tasks past redispatch-after not dispatched again because their dispatch"
                    + " was still on its way to a runner")
            .register(meters);
  }

  /** Of {@code taskIds} (queued runner tasks), those whose dispatch is still on its way. */
  public Set<UUID> onTheirWay(Collection<UUID> taskIds) {
    if (taskIds.isEmpty()) {
      return Set.of();
    }
    Set<UUID> waiting = new HashSet<>(unpublished(taskIds));
    List<UUID> published = taskIds.stream().filter(id -> !waiting.contains(id)).toList();
    if (!published.isEmpty()) {
      try {
        Set<Integer> flowing = flowingPartitions();
        int partitions = partitionCount();
        for (UUID id : published) {
          if (flowing.contains(partitionOf(id, partitions))) {
            waiting.add(id);
          }
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        log.warn("Cannot see the runners' dispatch progress, no redispatch now: {}", e.toString());
        waiting.addAll(published);
      }
    }
    heldBack.increment(waiting.size());
    return waiting;
  }

  private List<UUID> unpublished(Collection<UUID> taskIds) {
    return jdbc.sql(
            """
            select distinct task_id from outbox
            where task_id = any(:ids) and topic = :topic and published_seq is null
            """)
        .param("ids", taskIds.toArray(UUID[]::new))
        .param("topic", Topics.TASK_DISPATCH)
        .query(UUID.class)
        .list();
  }

  /** The partitions a runner holds and has not committed to the end. */
  private Set<Integer> flowingPartitions() throws Exception {
    Admin kafka = admin();
    ConsumerGroupDescription group;
    try {
      group =
          kafka
              .describeConsumerGroups(List.of(Topics.RUNNERS))
              .describedGroups()
              .get(Topics.RUNNERS)
              .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        // no runner has ever joined: nobody holds a partition
        return Set.of();
      }
      throw e;
    }
    Set<TopicPartition> held = new HashSet<>();
    for (MemberDescription member : group.members()) {
      member.assignment().topicPartitions().stream()
          .filter(p -> p.topic().equals(Topics.TASK_DISPATCH))
          .forEach(held::add);
    }
    if (held.isEmpty()) {
      return Set.of();
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        kafka
            .listConsumerGroupOffsets(Topics.RUNNERS)
            .partitionsToOffsetAndMetadata()
            .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    held.forEach(p -> latest.put(p, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        kafka.listOffsets(latest).all().get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Set<Integer> flowing = new HashSet<>();
    for (TopicPartition partition : held) {
      OffsetAndMetadata at = committed.get(partition);
      long position = at == null ? 0 : at.offset();
      if (position < ends.get(partition).offset()) {
        flowing.add(partition.partition());
      }
    }
    return flowing;
  }

  private int partitionCount() throws Exception {
    return admin()
        .describeTopics(List.of(Topics.TASK_DISPATCH))
        .allTopicNames()
        .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .get(Topics.TASK_DISPATCH)
        .partitions()
        .size();
  }

  /** The partition the default partitioner gives a record keyed by the task id. */
  static int partitionOf(UUID taskId, int partitions) {
    byte[] key = taskId.toString().getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  private Admin admin() {
    Admin current = admin;
    if (current == null) {
      synchronized (this) {
        if (admin == null) {
          admin = Admin.create(kafkaAdmin.getConfigurationProperties());
        }
        current = admin;
      }
    }
    return current;
  }

  @PreDestroy
  void close() {
    Admin current = admin;
    if (current != null) {
      current.close(Duration.ofSeconds(2));
    }
  }
}
