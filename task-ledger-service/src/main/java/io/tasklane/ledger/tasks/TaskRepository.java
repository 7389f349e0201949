package io.tasklane.ledger.tasks;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface TaskRepository extends JpaRepository<TaskEntity, UUID> {

  Optional<TaskEntity> findByTaskIdAndTenant(UUID taskId, String tenant);
}
