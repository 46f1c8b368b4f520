package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium through its own chromedriver, for the web UI's tests and benchmark:
 * Selenium is pointed at both, so it downloads nothing.
 */
final class Chromium {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /** Fails, saying what to install, when the browser or its driver is missing. */
  static void required() {
    assertThat(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER))
        .as(
            "the web UI tests need Debian's chromium and chromium-driver (%s, %s):"
                + " run deploy/install-test-deps.sh or apt-get install chromium chromium-driver",
            BINARY, DRIVER)
        .isTrue();
  }

  /**
   * A fresh browser (empty profile and cache) at a laptop's window size that accepts the node's
   * self-signed certificate; {@code console}: keep every console line for the test to read.
   */
  static ChromeDriver start(boolean console) {
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // the tests may run as root
        "--disable-dev-shm-usage",
        "--window-size=1366,860",
        "--no-first-run",
        "--disable-extensions");
    // The node's certificate is self-signed for localhost; the page is opened at 127.0.0.1.
    options.setAcceptInsecureCerts(true);
    if (console) {
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
    }
    return new ChromeDriver(
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
  }
}
