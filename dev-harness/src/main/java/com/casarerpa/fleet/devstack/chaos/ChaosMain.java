package com.casarerpa.fleet.devstack.chaos;

import java.util.Arrays;
import picocli.CommandLine;

/**
 * {@code bin/chaos}: the chaos suite ({@code bin/chaos [--size small|full] [options]}) and the log
 * journal's outage run ({@code bin/chaos log-outage [options]}); {@code --help} on either.
 */
public final class ChaosMain {
  private ChaosMain() {}

  public static void main(String[] args) {
    int code =
        args.length > 0 && "log-outage".equals(args[0])
            ? new CommandLine(new LogOutageCommand())
                .execute(Arrays.copyOfRange(args, 1, args.length))
            : new CommandLine(new ChaosCommand()).execute(args);
    System.exit(code);
  }
}
