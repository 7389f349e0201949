package io.tasklane.ledger.tasks;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface TaskRepository extends JpaRepository<TaskEntity, UUID> {

  Optional<TaskEntity> findByTaskIdAndTenant(UUID taskId, String tenant);

  /** The tasks with their plans, in one statement. */
  @Query("select distinct t from TaskEntity t left join fetch t.plan where t.taskId in :taskIds")
  List<TaskEntity> findAllWithPlan(Collection<UUID> taskIds);
}
