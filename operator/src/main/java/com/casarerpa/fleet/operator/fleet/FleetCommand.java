package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.watch.FleetWatch;
import java.io.IOException;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet watch}. */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = "The fleet at a glance.")
public final class FleetCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description =
          "Live full-screen view: robots (presence, status, heartbeat age, current job with"
              + " progress and node), queue depth by status, recent failures. Updates from"
              + " Realtime; q or Ctrl-C quits. Not on a terminal (or --plain): one line per change.")
  int watch(
      @Option(names = "--plain", description = "plain lines even on a terminal") boolean plain,
      @Option(names = "--once", description = "print one snapshot and exit") boolean once,
      @Option(
              names = "--refresh",
              defaultValue = "5s",
              paramLabel = "DURATION",
              description = "re-read at least this often (default 5s)")
          String refresh) {
    FleetMain root = FleetMain.of(spec);
    FleetWatch watch = new FleetWatch(root.settings(), FleetOps.parseDuration(refresh));
    if (once) {
      watch.once(root.env().out());
      return 0;
    }
    Terminal terminal = plain ? null : FleetWatch.systemTerminal();
    if (terminal == null) {
      watch.plain(root.env().out());
      return 0;
    }
    try (terminal) {
      watch.fullScreen(terminal);
    } catch (IOException e) {
      throw CliException.failure("terminal: " + e.getMessage());
    }
    return 0;
  }
}
