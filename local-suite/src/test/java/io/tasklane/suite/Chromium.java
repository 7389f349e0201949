package io.tasklane.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium and its driver from the machine's packages ({@code chromium}, {@code
 * chromium-driver}); CI installs them. Without them the browser tests fail: they are never skipped.
 * {@code -Dtasklane.chromium} and {@code -Dtasklane.chromedriver} point elsewhere.
 */
final class Chromium {

  static final Path BROWSER = Path.of(System.getProperty("tasklane.chromium", "/usr/bin/chromium"));
  static final Path DRIVER =
      Path.of(System.getProperty("tasklane.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "board-screenshots");

  private Chromium() {}

  /** A fresh browser with its own profile, {@code width} by {@code height} pixels. */
  static ChromeDriver start(Path profile, int width, int height) {
    assertThat(BROWSER)
        .as("Chromium is needed for the board's browser tests: apt-get install chromium")
        .isExecutable();
    assertThat(DRIVER)
        .as("ChromeDriver is needed for the board's browser tests: apt-get install chromium-driver")
        .isExecutable();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile.toAbsolutePath());
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /**
   * What the page reported as errors: script errors and refusals by the Content-Security-Policy. A
   * request the server refused is reported too; those are the tests' business and left out.
   */
  static List<String> pageErrors(ChromeDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(message -> !message.contains("Failed to load resource"))
        .toList();
  }

  static Path screenshot(ChromeDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
