package io.tasklane.ledger.flows;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface FlowRepository extends JpaRepository<FlowEntity, UUID> {

  Optional<FlowEntity> findByFlowIdAndTenant(UUID flowId, String tenant);

  /** Reads the flow under its row lock, so roll-ups of concurrent task changes take turns. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select f from FlowEntity f where f.flowId = :flowId")
  Optional<FlowEntity> lock(UUID flowId);
}
