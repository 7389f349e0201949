package io.tasklane.ledger.tasks;

import io.tasklane.ledger.events.KnownTasks;
import java.util.UUID;
import org.springframework.stereotype.Component;

@Component
class KnownTasksInTheLedger implements KnownTasks {

  private final TaskLedger ledger;

  KnownTasksInTheLedger(TaskLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void require(String tenant, UUID taskId) {
    ledger.get(tenant, taskId);
  }
}
