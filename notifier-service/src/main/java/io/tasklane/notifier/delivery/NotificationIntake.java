package io.tasklane.notifier.delivery;

import io.tasklane.contracts.DeliveryChannel;
import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.TaskLifecycleEvent;
import io.tasklane.notifier.NotifierProperties;
import io.tasklane.notifier.inbox.Inbox;
import io.tasklane.notifier.sessions.SessionChannel;
import io.tasklane.notifier.sessions.SessionChannels;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns one lifecycle event into inbox messages and queued deliveries, in one transaction, so a
 * redelivered event changes nothing and a crash loses nothing.
 */
@Service
class NotificationIntake {

  private static final Logger log = LoggerFactory.getLogger(NotificationIntake.class);

  private final Inbox inbox;
  private final SessionChannels channels;
  private final Deliveries deliveries;
  private final DeliveryMetrics metrics;
  private final JdbcClient jdbc;
  private final NotifierProperties properties;

  NotificationIntake(
      Inbox inbox,
      SessionChannels channels,
      Deliveries deliveries,
      DeliveryMetrics metrics,
      JdbcClient jdbc,
      NotifierProperties properties) {
    this.inbox = inbox;
    this.channels = channels;
    this.deliveries = deliveries;
    this.metrics = metrics;
    this.jdbc = jdbc;
    this.properties = properties;
  }

  @Transactional
  public void accept(TaskLifecycleEvent event) {
    var data = event.data();
    if (data == null || data.taskId() == null || data.tenant() == null) {
      log.warn("Ignoring lifecycle event {} without task data", event.id());
      return;
    }
    switch (NotifyPolicyRules.decide(event)) {
      case SKIP -> {}
      case NOT_APPLICABLE -> {
        if (deliveries.record(event, DeliveryChannel.INBOX, DeliveryStatus.NOT_APPLICABLE)) {
          metrics.outcome(DeliveryChannel.INBOX, DeliveryStatus.NOT_APPLICABLE);
        }
      }
      case NOTIFY -> notify(event);
      case NOTIFY_IF_PROGRESS_DUE -> {
        if (progressDue(event)) {
          notify(event);
        }
      }
    }
  }

  private void notify(TaskLifecycleEvent event) {
    String sessionKey = event.data().requesterSessionKey();
    if (sessionKey == null || sessionKey.isBlank()) {
      log.debug("Lifecycle event {} has no requester session", event.id());
      return;
    }
    String tenant = event.data().tenant();
    Notification notification = Notification.of(event, properties.taskUrlTemplate());
    inbox.append(tenant, sessionKey, event, notification.title(), notification.plainText());
    List<SessionChannel> registered = channels.forSession(tenant, sessionKey);
    if (registered.isEmpty()) {
      if (deliveries.record(event, DeliveryChannel.INBOX, DeliveryStatus.SESSION_QUEUED)) {
        metrics.outcome(DeliveryChannel.INBOX, DeliveryStatus.SESSION_QUEUED);
      }
      return;
    }
    for (SessionChannel channel : registered) {
      deliveries.schedule(event, channel.channel(), channel.lane());
    }
    log.info(
        "Task {} {}: delivery to session {} queued on {}",
        event.data().taskId(),
        event.type(),
        sessionKey,
        registered.stream().map(SessionChannel::channel).toList());
  }

  private boolean progressDue(TaskLifecycleEvent event) {
    Instant at = event.time() == null ? Instant.now() : event.time();
    return jdbc.sql(
                """
            INSERT INTO notifier.progress_gate AS gate (task_id, last_notified_at)
            VALUES (:taskId, :at)
            ON CONFLICT (task_id) DO UPDATE SET last_notified_at = excluded.last_notified_at
             WHERE gate.last_notified_at + make_interval(secs => :interval) <= excluded.last_notified_at
            """)
            .param("taskId", event.data().taskId())
            .param("at", Timestamp.from(at))
            .param("interval", properties.progressInterval().toMillis() / 1000.0)
            .update()
        > 0;
  }
}
