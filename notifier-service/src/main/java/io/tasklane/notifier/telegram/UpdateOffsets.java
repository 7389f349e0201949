package io.tasklane.notifier.telegram;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Where each bot's updates stand: the next update id to handle, kept in the database. */
@Repository
class UpdateOffsets {

  private final JdbcClient jdbc;

  UpdateOffsets(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The offset to ask Telegram for: every update below it is handled (0: none recorded yet). */
  long next(String botId) {
    return jdbc.sql(
            "SELECT next_update_id FROM notifier.telegram_update_offset WHERE bot_id = :bot")
        .param("bot", botId)
        .query(Long.class)
        .optional()
        .orElse(0L);
  }

  /**
   * Takes an update for handling, in one statement, before it is handled: false when it was taken
   * already (by this notifier before a restart, or by another replica), so none is handled twice.
   */
  boolean take(String botId, long updateId) {
    return jdbc.sql(
                """
                INSERT INTO notifier.telegram_update_offset (bot_id, next_update_id)
                VALUES (:bot, :next)
                ON CONFLICT (bot_id) DO UPDATE SET next_update_id = EXCLUDED.next_update_id
                 WHERE telegram_update_offset.next_update_id <= :id
                """)
            .param("bot", botId)
            .param("next", updateId + 1)
            .param("id", updateId)
            .update()
        > 0;
  }
}
