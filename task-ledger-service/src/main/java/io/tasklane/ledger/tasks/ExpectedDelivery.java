package io.tasklane.ledger.tasks;

import io.tasklane.contracts.DeliveryStatus;
import io.tasklane.contracts.NotifyPolicy;

/**
 * The delivery status the ledger records before the notifier has reported: {@code not_applicable}
 * when there is nowhere to deliver (a silent task, or one without a requester session), otherwise
 * {@code pending}. {@link DeliveryState}, the one writer of a task's delivery status, asks here;
 * only a notifier's delivery report overrides it.
 */
final class ExpectedDelivery {

  private ExpectedDelivery() {}

  static DeliveryStatus of(TaskEntity task) {
    return task.notifyPolicy == NotifyPolicy.SILENT
            || task.requesterSessionKey == null
            || task.requesterSessionKey.isBlank()
        ? DeliveryStatus.NOT_APPLICABLE
        : DeliveryStatus.PENDING;
  }
}
