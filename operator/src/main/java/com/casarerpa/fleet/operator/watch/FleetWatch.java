package com.casarerpa.fleet.operator.watch;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * {@code fleet watch}: a live full-screen view on a terminal (JLine: raw keys, the alternate
 * screen, and {@link Display}, which rewrites only the cells that changed, so nothing flickers),
 * plain timestamped lines otherwise. Realtime events trigger a re-read; without Realtime it polls.
 */
public final class FleetWatch {
  private final Settings settings;
  private final FleetApi api;
  private final Duration refresh;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicBoolean stop = new AtomicBoolean();

  public FleetWatch(Settings settings, Duration refresh) {
    this.settings = settings;
    this.api = FleetApi.from(settings);
    this.refresh = refresh;
  }

  /** One snapshot as text (for {@code --once} and scripts). */
  public void once(PrintWriter out) {
    FleetSnapshot s = FleetSnapshot.load(api);
    Set<String> present = Set.of();
    try (FleetFeed feed = FleetFeed.connect(api.url(), settings.serviceKey(), () -> {})) {
      present = feed.present();
    } catch (IOException e) {
      // presence unknown without Realtime: everyone shows as away
    }
    FleetView.render(s, present, api.url(), false, Instant.now(), 200).forEach(out::println);
    out.flush();
  }

  /** Prints one line per change until interrupted or stdin closes. */
  public void plain(PrintWriter out) {
    FleetFeed feed = connectFeed(out);
    String last = "";
    try {
      while (!stop.get()) {
        FleetSnapshot s = FleetSnapshot.load(api);
        String line = summary(s, feed == null ? Set.of() : feed.present());
        if (!line.equals(last)) {
          out.println(Instant.now().toString().substring(11, 19) + " " + line);
          out.flush();
          last = line;
        }
        waitForChange();
      }
    } finally {
      if (feed != null) {
        feed.close();
      }
    }
  }

  /** The full-screen view; returns when the user presses q or Ctrl-C. */
  public void fullScreen(Terminal terminal) throws IOException {
    FleetFeed feed = connectFeed(null);
    Attributes saved = terminal.enterRawMode();
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.cursor_invisible);
    terminal.flush();
    Display display = new Display(terminal, true);
    Thread keys =
        Thread.ofPlatform().daemon().name("fleet-watch-keys").start(() -> readKeys(terminal));
    terminal.handle(Terminal.Signal.INT, s -> quit());
    terminal.handle(Terminal.Signal.WINCH, s -> wake.release());
    try {
      FleetSnapshot s = FleetSnapshot.load(api);
      Instant loaded = Instant.now();
      while (!stop.get()) {
        Size size = terminal.getSize();
        display.resize(Math.max(1, size.getRows()), Math.max(20, size.getColumns()));
        boolean live = feed != null && feed.isLive();
        List<AttributedString> lines =
            FleetView.render(
                    s,
                    feed == null ? Set.of() : feed.present(),
                    api.url(),
                    live,
                    Instant.now(),
                    Math.max(20, size.getColumns()))
                .stream()
                .map(AttributedString::new)
                .toList();
        display.update(lines, -1);
        terminal.flush();
        boolean changed = wake.tryAcquire(1, TimeUnit.SECONDS);
        if (stop.get()) {
          break;
        }
        if (changed) {
          // let a burst of changes settle into one read
          Thread.sleep(150);
          wake.drainPermits();
        }
        if (changed || Duration.between(loaded, Instant.now()).compareTo(refresh) >= 0) {
          s = FleetSnapshot.load(api);
          loaded = Instant.now();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      keys.interrupt();
      if (feed != null) {
        feed.close();
      }
      terminal.puts(Capability.cursor_visible);
      terminal.puts(Capability.exit_ca_mode);
      terminal.setAttributes(saved);
      terminal.flush();
    }
  }

  private void readKeys(Terminal terminal) {
    NonBlockingReader reader = terminal.reader();
    try {
      while (!stop.get()) {
        int c = reader.read(200);
        if (c == 'q' || c == 'Q' || c == 3 || c == NonBlockingReader.EOF) {
          quit();
        }
      }
    } catch (IOException e) {
      quit();
    }
  }

  private void quit() {
    stop.set(true);
    wake.release();
  }

  private FleetFeed connectFeed(PrintWriter notes) {
    try {
      return FleetFeed.connect(api.url(), settings.serviceKey(), wake::release);
    } catch (IOException e) {
      if (notes != null) {
        notes.println(
            "(Realtime unavailable, polling every "
                + refresh.toSeconds()
                + "s: "
                + e.getMessage()
                + ")");
        notes.flush();
      }
      return null;
    }
  }

  private void waitForChange() {
    try {
      if (wake.tryAcquire(refresh.toMillis(), TimeUnit.MILLISECONDS)) {
        Thread.sleep(150);
        wake.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
    }
  }

  private static String summary(FleetSnapshot s, Set<String> present) {
    StringBuilder line = new StringBuilder("robots:");
    for (var r : s.robots()) {
      String id = r.path("robot_id").asText();
      line.append(' ')
          .append(r.path("name").asText())
          .append('=')
          .append(r.path("status").asText());
      if (s.presence().up(present.contains(id), r.path("status").asText())) {
        line.append("(online)");
      }
      var job = s.liveJobsByRobot().get(id);
      if (job != null) {
        line.append("[")
            .append(job.path("workflow_name").asText())
            .append(' ')
            .append(job.path("progress").asInt())
            .append("% ")
            .append(job.path("current_node").asText(""))
            .append(']');
      }
    }
    line.append(" | queue:");
    s.queue().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    line.append(" | failures: ").append(s.failures().size());
    return line.toString();
  }

  /** A system terminal, or null when stdout is not one (then the view degrades to plain lines). */
  public static Terminal systemTerminal() {
    if (com.casarerpa.fleet.operator.Env.interactiveConsole() == null) {
      return null;
    }
    try {
      Terminal t = TerminalBuilder.builder().system(true).dumb(false).build();
      if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
        t.close();
        return null;
      }
      return t;
    } catch (IOException | IllegalStateException e) {
      return null;
    }
  }
}
