package com.casarerpa.fleet.agent.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The agent's console logging, built in code (found by logback through {@code META-INF/services}):
 * every line to the console as {@code 2026-01-31 12:00:00.000 INFO [thread] logger - message},
 * {@code okhttp3} and {@code oshi} at WARN, the rest at {@code AGENT_CONSOLE_LEVEL} (system
 * property or environment variable; default INFO).
 *
 * <p>It stands in for a {@code logback.xml}: reading XML loads an XML parser and logback's
 * configuration model, about 650 classes, 0.2 s of start-up and 4 MiB of resident memory
 * (BENCHMARKS.md, footprint). A configuration file still wins: when {@code
 * logback.configurationFile} is set (the distribution's {@code config/logback.xml} when present,
 * the Windows service's {@code logback-service.xml}) or a {@code logback-test.xml} or {@code
 * logback.xml} is on the class path (tests, jars that embed the agent), this steps aside.
 */
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader loader = ConsoleLogConfigurator.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null
        || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("CONSOLE");
    console.setEncoder(encoder);
    console.start();
    context.getLogger("okhttp3").setLevel(Level.WARN);
    context.getLogger("oshi").setLevel(Level.WARN);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(consoleLevel(), Level.INFO));
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static String consoleLevel() {
    String level = System.getProperty("AGENT_CONSOLE_LEVEL");
    return level != null ? level : System.getenv("AGENT_CONSOLE_LEVEL");
  }
}
