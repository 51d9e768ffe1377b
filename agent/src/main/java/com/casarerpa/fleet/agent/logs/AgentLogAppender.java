package com.casarerpa.fleet.agent.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.casarerpa.fleet.workflow.LogLevel;
import org.slf4j.LoggerFactory;

/**
 * Copies the agent's own log events (INFO and above, from {@code com.casarerpa}) into {@code
 * robot_logs} with source {@code agent}, so an operator sees why a robot misbehaves without logging
 * into it. Never blocks the logging thread: when the queue is full the line is dropped and counted.
 * Attached by the daemon ({@code run}); embedded agents (tests, the dev launcher) leave it off.
 */
public final class AgentLogAppender extends AppenderBase<ILoggingEvent> {
  private static final String NAME = "robot_logs";
  private final LogPipeline pipeline;

  private AgentLogAppender(LogPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** Attaches to the root logger; returns the appender so it can be detached. */
  public static AgentLogAppender attach(LogPipeline pipeline) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    AgentLogAppender appender = new AgentLogAppender(pipeline);
    appender.setContext(context);
    appender.setName(NAME);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return appender;
  }

  public void detach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.INFO)
        || !event.getLoggerName().startsWith("com.casarerpa")
        || event.getThreadName().startsWith("agent-log-shipper")) {
      return;
    }
    pipeline.offer(level(event.getLevel()), event.getFormattedMessage(), "agent");
  }

  private static LogLevel level(Level level) {
    if (level.isGreaterOrEqual(Level.ERROR)) {
      return LogLevel.ERROR;
    }
    return level.isGreaterOrEqual(Level.WARN) ? LogLevel.WARNING : LogLevel.INFO;
  }
}
