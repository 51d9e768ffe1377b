package com.casarerpa.fleet.agent.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts SIGTERM/SIGINT through the JDK's {@code sun.misc.Signal} (module {@code jdk.unsupported},
 * the only way to see a second and third signal), reached reflectively so the agent compiles
 * without internal-API warnings. Where the platform lacks a signal, a warning says so and the JVM's
 * default applies.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Calls {@code handler} with the signal's name ({@code TERM}, {@code INT}) on each delivery. */
  static void handle(String name, Consumer<String> handler) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      InvocationHandler onSignal =
          (Object proxy, Method method, Object[] args) -> {
            return switch (method.getName()) {
              case "handle" -> {
                handler.accept(name);
                yield null;
              }
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "signal handler for SIG" + name;
            };
          };
      Object proxy =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      log.warn("cannot handle SIG{} here ({}); the JVM's default applies", name, e.toString());
    }
  }
}
