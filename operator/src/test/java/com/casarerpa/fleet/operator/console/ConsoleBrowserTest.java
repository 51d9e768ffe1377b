package com.casarerpa.fleet.operator.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.operator.Agents;
import com.casarerpa.fleet.operator.Cli;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.TestStack;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (the system's headless Chromium through chromedriver) against the
 * real local stack and a real agent: log in, enqueue a job from the Queue page and watch its
 * progress and log lines arrive without a reload, cancel a running job, create a key that is shown
 * once, see a bad workflow's errors by node. With {@code -Dconsole.screenshots=DIR} (a path
 * relative to the repository root, e.g. docs/console) it saves a screenshot of every page.
 */
class ConsoleBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String TOKEN = "browser-test-login-token-42";
  static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static TestStack stack;
  static Agent agent;
  static ConsoleServer console;
  static WebDriver browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    requireBrowser();
    stack = TestStack.start(dir);
    Cli cli = stack.cli();
    Cli.Result created = cli.run("robots", "create", "desk-robot", "--capability", "browser");
    assertThat(created.code()).as(created.toString()).isZero();
    agent =
        Agents.start(
            stack.stack().url(),
            stack.stack().anonKey(),
            created.out().strip(),
            "desk-robot",
            dir.resolve("agent"));
    push(
        cli,
        "steps",
        Workflows.linear("steps")
            .log("step one")
            .waitSeconds(1.5)
            .log("step two")
            .waitSeconds(1.5)
            .log("step three")
            .waitSeconds(1.5)
            .log("all steps done")
            .end()
            .toString());
    push(
        cli,
        "long-wait",
        Workflows.linear("long-wait").log("waiting a long time").waitSeconds(300).end().toString());
    FleetApi api = new FleetApi(stack.stack().url(), stack.stack().serviceRoleKey());
    String workflowId =
        api.get("workflows?select=workflow_id&workflow_name=eq.steps")
            .get(0)
            .path("workflow_id")
            .asText();
    api.raw(
        "POST",
        "/rest/v1/schedules",
        "{\"workflow_id\":\""
            + workflowId
            + "\",\"schedule_name\":\"nightly-steps\",\"cron_expression\":\"0 2 * * *\"}");
    console = ConsoleServer.start("127.0.0.1", 0, api, stack.stack().serviceRoleKey(), TOKEN);
    base = console.url().substring(0, console.url().length() - 1);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // root in a container: Chromium's sandbox needs user namespaces it does not get here
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
  }

  private static void requireBrowser() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String reason =
        "no system Chromium: install the Debian packages chromium and chromium-driver ("
            + CHROMIUM
            + ", "
            + CHROMEDRIVER
            + ")";
    if ("1".equals(System.getenv("CASARE_REQUIRE_SYSTEM_PARTS"))) {
      throw new AssertionError(reason + " (required: CASARE_REQUIRE_SYSTEM_PARTS=1)");
    }
    System.out.println("ConsoleBrowserTest skipped: " + reason);
    Assumptions.abort(reason);
  }

  private static void push(Cli cli, String name, String json) throws IOException {
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, json);
    Cli.Result pushed = cli.run("workflows", "push", file.toString());
    assertThat(pushed.code()).as(pushed.toString()).isZero();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (console != null) {
      console.close();
    }
    if (agent != null) {
      agent.close(Duration.ofSeconds(20));
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void the_fleet_is_steered_and_watched_live_in_a_browser() throws Exception {
    logIn();
    fleetShowsTheRobotOnline();
    jobEnqueuedFromThePageRunsAndUpdatesLive();
    runningJobIsCancelledFromItsPage();
    createdKeyIsShownOnce();
    badWorkflowShowsItsErrorsByNode();
    browser.get(base + "/schedules");
    assertThat(text(By.id("schedules"))).contains("nightly-steps").contains("0 2 * * *");
    screenshot("schedules");
    browser.findElement(By.cssSelector("#schedules button[type=submit]")).click();
    until(() -> text(By.id("schedules")).contains("Enable"));
    browser.findElement(By.cssSelector("#schedules button[type=submit]")).click();
    until(() -> text(By.id("schedules")).contains("Disable"));
    browser.get(base + "/charts?window=15m");
    assertThat(browser.findElements(By.cssSelector(".chart svg"))).hasSize(4);
    screenshot("charts");
    browser.get(base + "/queue");
    screenshot("queue");
  }

  private void logIn() throws IOException {
    browser.get(base + "/fleet");
    assertThat(browser.getTitle()).contains("Log in");
    browser.findElement(By.id("token")).sendKeys("wrong-token");
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    assertThat(text(By.id("login-error"))).contains("not right");
    browser.findElement(By.id("token")).sendKeys(TOKEN);
    screenshot("login");
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    until(() -> browser.getTitle().startsWith("Fleet"));
  }

  private void fleetShowsTheRobotOnline() throws IOException {
    browser.get(base + "/fleet");
    markPage();
    // presence arrives over Realtime and the row is redrawn live
    until(
        () ->
            text(By.id("robot-desk-robot")).contains("online")
                && !text(By.id("robot-desk-robot")).contains("no heartbeats"));
    assertThat(pageWasNotReloaded()).isTrue();
  }

  private void jobEnqueuedFromThePageRunsAndUpdatesLive() throws IOException {
    browser.get(base + "/queue");
    new Select(browser.findElement(By.id("e-workflow"))).selectByVisibleText("steps");
    WebElement priority = browser.findElement(By.id("e-priority"));
    priority.clear();
    priority.sendKeys("15");
    browser.findElement(By.id("e-vars")).sendKeys("greeting=hello\ncount=3");
    browser.findElement(By.cssSelector("#enqueue button[type=submit]")).click();
    until(() -> browser.getCurrentUrl().contains("/jobs/"));
    markPage();
    String firstStatus = text(By.id("job-status"));
    int firstLines = browser.findElements(By.cssSelector("#log-lines li")).size();
    assertThat(firstStatus).isIn("queued", "claimed", "running");
    Set<String> progressSeen = new LinkedHashSet<>();
    Set<String> statusSeen = new LinkedHashSet<>();
    progressSeen.add(value(By.id("job-progress")));
    statusSeen.add(firstStatus);
    until(
        () -> {
          progressSeen.add(value(By.id("job-progress")));
          statusSeen.add(text(By.id("job-status")));
          return text(By.id("job-status")).equals("completed")
              && text(By.id("log-lines")).contains("all steps done");
        });
    assertThat(pageWasNotReloaded()).as("updates arrived without a reload").isTrue();
    assertThat(progressSeen).as("progress values seen live").hasSizeGreaterThan(1);
    assertThat(statusSeen).as("statuses seen live").hasSizeGreaterThan(1);
    assertThat(browser.findElements(By.cssSelector("#log-lines li")).size())
        .isGreaterThan(firstLines);
    assertThat(text(By.id("timeline")))
        .contains("queued")
        .contains("claimed")
        .contains("completed");
    String logs = text(By.id("log-lines"));
    assertThat(logs).contains("step one").contains("step two").contains("step three");
    screenshot("job");

    // the level filter and search redraw the log box in place
    new Select(browser.findElement(By.id("log-level"))).selectByValue("ERROR");
    until(() -> browser.findElements(By.cssSelector("#log-lines li")).isEmpty());
    new Select(browser.findElement(By.id("log-level"))).selectByValue("");
    browser.findElement(By.id("log-search")).sendKeys("step two");
    until(
        () -> {
          List<WebElement> lines = browser.findElements(By.cssSelector("#log-lines li"));
          return lines.size() == 1 && lines.get(0).getText().contains("step two");
        });
    assertThat(pageWasNotReloaded()).isTrue();
  }

  private void runningJobIsCancelledFromItsPage() throws IOException {
    browser.get(base + "/queue");
    new Select(browser.findElement(By.id("e-workflow"))).selectByVisibleText("long-wait");
    browser.findElement(By.cssSelector("#enqueue button[type=submit]")).click();
    until(() -> browser.getCurrentUrl().contains("/jobs/"));
    String jobPage = browser.getCurrentUrl();
    until(() -> text(By.id("job-status")).equals("running"));
    // the Fleet page shows the robot busy with this job, its node and progress
    browser.get(base + "/fleet");
    until(
        () ->
            text(By.id("robot-desk-robot")).contains("busy")
                && text(By.id("robot-desk-robot")).contains("long-wait"));
    screenshot("fleet");
    browser.get(jobPage);
    // the status part is redrawn live: a click may meet a replaced button, so it is retried
    until(
        () -> {
          browser.findElement(By.id("cancel")).click();
          return true;
        });
    until(() -> text(By.id("job-status")).equals("cancelled"));
    assertThat(text(By.id("timeline"))).contains("cancel requested");
    // retry queues a new job with the same workflow; it is cancelled again at once
    String cancelled = browser.getCurrentUrl();
    until(
        () -> {
          browser.findElement(By.id("retry")).click();
          return true;
        });
    until(
        () ->
            browser.getCurrentUrl().contains("/jobs/")
                && !browser.getCurrentUrl().equals(cancelled));
    assertThat(text(By.id("timeline"))).contains("queued");
    until(
        () -> {
          browser.findElement(By.id("cancel")).click();
          return true;
        });
    until(() -> text(By.id("job-status")).equals("cancelled"));
  }

  private void createdKeyIsShownOnce() throws IOException {
    browser.get(base + "/keys");
    new Select(browser.findElement(By.id("k-robot"))).selectByVisibleText("desk-robot");
    browser.findElement(By.id("k-name")).sendKeys("from-the-browser");
    browser.findElement(By.cssSelector("#create-key button[type=submit]")).click();
    String key = text(By.id("new-key"));
    assertThat(key).startsWith("crpa_").hasSize(48);
    screenshot("keys");
    browser.get(base + "/keys");
    assertThat(browser.findElements(By.id("new-key"))).isEmpty();
    assertThat(browser.getPageSource()).doesNotContain(key).contains("from-the-browser");
  }

  private void badWorkflowShowsItsErrorsByNode() throws IOException {
    Path bad = dir.resolve("broken.json");
    Files.writeString(
        bad,
        Workflows.linear("broken")
            .node("NoSuchThingNode", FleetApi.JSON.createObjectNode())
            .end()
            .toString());
    browser.get(base + "/workflows");
    browser.findElement(By.id("w-file")).sendKeys(bad.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("#upload button[type=submit]")).click();
    assertThat(text(By.id("upload-notice"))).contains("not a valid workflow");
    assertThat(text(By.id("issues"))).contains("nosuchthing_2").contains("error");
    assertThat(text(By.id("workflows"))).contains("steps").doesNotContain("broken");
    screenshot("workflows");
  }

  private static String text(By by) {
    return fresh(() -> browser.findElement(by).getText());
  }

  private static String value(By by) {
    return fresh(() -> browser.findElement(by).getAttribute("value"));
  }

  /**
   * Reads through a live swap: htmx replaces elements as SSE updates arrive, so an element found a
   * moment ago may be gone when it is read; the read is then repeated on the new element.
   */
  private static <T> T fresh(java.util.function.Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 50) {
          throw e;
        }
      }
    }
  }

  private static void markPage() {
    ((JavascriptExecutor) browser).executeScript("window.__consoleTestMark = 'same page';");
  }

  private static boolean pageWasNotReloaded() {
    return "same page"
        .equals(((JavascriptExecutor) browser).executeScript("return window.__consoleTestMark;"));
  }

  private static void until(java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, PATIENCE, Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(d -> condition.getAsBoolean());
  }

  /** Saves the page as {@code <dir>/<name>.png} when {@code console.screenshots} names a dir. */
  private static void screenshot(String name) throws IOException {
    String target = System.getProperty("console.screenshots");
    if (target == null || target.isBlank()) {
      return;
    }
    Path folder = Path.of(target);
    if (!folder.isAbsolute()) {
      // tests run in the module folder; the path is meant from the repository root
      folder = Path.of("..").resolve(folder);
    }
    Files.createDirectories(folder);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), folder.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
