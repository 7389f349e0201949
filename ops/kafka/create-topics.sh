#!/bin/sh
# Creates the Tasklane topics if they do not exist yet. Every record is keyed by task id.
# The partitions of tasklane.task-dispatch bound how many runners of the group "runners" receive
# work at once: a partition is read by one consumer of the group at a time.
set -eu

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
PARTITIONS="${TASKLANE_TOPIC_PARTITIONS:-3}"
DISPATCH_PARTITIONS="${TASKLANE_DISPATCH_PARTITIONS:-$PARTITIONS}"
REPLICATION="${TASKLANE_TOPIC_REPLICATION:-1}"
TOPICS=/opt/kafka/bin/kafka-topics.sh

create() {
  "$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor "$REPLICATION"
}

create tasklane.task-dispatch "$DISPATCH_PARTITIONS"
create tasklane.task-control "$PARTITIONS"
create tasklane.runner-reports "$PARTITIONS"
create tasklane.task-lifecycle "$PARTITIONS"
create tasklane.delivery-reports "$PARTITIONS"

# A topic that already exists keeps its partitions; raise them when more are asked for.
current=$("$TOPICS" --bootstrap-server "$BOOTSTRAP" --describe --topic tasklane.task-dispatch \
  | sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' | head -n 1)
if [ -n "$current" ] && [ "$current" -lt "$DISPATCH_PARTITIONS" ]; then
  "$TOPICS" --bootstrap-server "$BOOTSTRAP" --alter --topic tasklane.task-dispatch \
    --partitions "$DISPATCH_PARTITIONS"
fi

"$TOPICS" --bootstrap-server "$BOOTSTRAP" --describe --topic tasklane.task-dispatch
