package io.tasklane.runner.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Resolves paths the model gives inside the task's workspace. Absolute paths, {@code ..} that
 * leaves the workspace, and symbolic links that point outside it are refused.
 */
final class Sandbox {

  private Sandbox() {}

  static Path resolve(Path workspace, String relative) throws IOException {
    if (relative == null || relative.isBlank()) {
      relative = ".";
    }
    if (relative.indexOf('\0') >= 0) {
      throw new SandboxViolation("the path contains a NUL character");
    }
    Path given = Path.of(relative);
    if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      throw new SandboxViolation("absolute paths are not allowed: " + relative);
    }
    Files.createDirectories(workspace);
    Path root = workspace.toRealPath();
    Path target = root.resolve(given).normalize();
    if (!target.startsWith(root)) {
      throw new SandboxViolation("path leaves the workspace: " + relative);
    }
    Path existing = target;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing != null && !existing.toRealPath().startsWith(root)) {
      throw new SandboxViolation("path leaves the workspace through a link: " + relative);
    }
    return target;
  }

  static final class SandboxViolation extends IOException {
    SandboxViolation(String message) {
      super(message);
    }
  }
}
