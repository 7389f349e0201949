package io.tasklane.runner.tools;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts tool processes as leaders of their own process group (through {@code setsid} where the
 * system has it) and kills the whole group: a child that double-forked and was re-parented is no
 * descendant any more, but it is still in the group.
 */
public final class ProcessGroups {

  private static final String SETSID = findSetsid();

  private ProcessGroups() {}

  /** The command line that runs {@code command} in a new session and process group. */
  static List<String> inOwnGroup(List<String> command) {
    if (SETSID == null) {
      return command;
    }
    List<String> line = new ArrayList<>(command.size() + 1);
    line.add(SETSID);
    line.addAll(command);
    return line;
  }

  /** Kills the process, its group and every descendant still known. */
  public static void kill(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (SETSID != null && process.isAlive()) {
      try {
        new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        // the descendants are still killed one by one below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static String findSetsid() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      File setsid = new File(dir, "setsid");
      if (setsid.canExecute()) {
        return setsid.getPath();
      }
    }
    return null;
  }
}
