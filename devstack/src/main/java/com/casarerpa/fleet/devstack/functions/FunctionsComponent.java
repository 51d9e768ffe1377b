package com.casarerpa.fleet.devstack.functions;

import com.casarerpa.fleet.devstack.StackComponent;
import com.casarerpa.fleet.devstack.StackContext;
import com.casarerpa.fleet.devstack.gateway.ApiGateway;
import com.casarerpa.fleet.devstack.gateway.GatewayRejection;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /functions/v1/<name>}: runs {@code <functions>/<name>/index.ts} with Deno, one process per
 * function started on first use and reused, and proxies the request to it. Deno gets {@code
 * SUPABASE_URL}, {@code SUPABASE_ANON_KEY}, {@code SUPABASE_SERVICE_ROLE_KEY} and {@code
 * SUPABASE_DB_URL}, as the Supabase edge runtime provides. Without Deno every call is 503.
 */
public final class FunctionsComponent implements StackComponent {
  private static final Logger log = LoggerFactory.getLogger(FunctionsComponent.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
  private static final String PREFIX = "/functions/v1/";
  private static final List<HandlerType> METHODS =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE,
          HandlerType.OPTIONS);

  private final StackContext context;
  private final ApiGateway gateway;
  private final Optional<Path> deno;
  private final Map<String, FutureTask<FunctionProcess>> running = new ConcurrentHashMap<>();
  private final FunctionProxy proxy = new FunctionProxy();
  private final Path workDir;
  private final Path bootstrap;
  private volatile boolean closed;

  public FunctionsComponent(StackContext context) {
    this.context = context;
    this.gateway =
        new ApiGateway(context.jwt(), context.clock(), context.anonKey(), context.serviceRoleKey());
    this.deno = DenoLocator.locate();
    try {
      this.workDir = Files.createTempDirectory("devstack-functions");
      this.bootstrap = workDir.resolve("serve-function.ts");
      try (InputStream in = FunctionsComponent.class.getResourceAsStream("serve-function.ts")) {
        Files.write(bootstrap, in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the functions runner", e);
    }
    if (deno.isEmpty()) {
      log.warn(
          "Deno not found: /functions/v1 answers 503 (put deno on the PATH, or start the stack"
              + " with bin/devstack, which installs it into .casare/deno)");
    }
  }

  @Override
  public void configure(JavalinConfig config) {
    for (HandlerType method : METHODS) {
      config.routes.addHttpHandler(method, PREFIX + "{name}", this::serve);
      config.routes.addHttpHandler(method, PREFIX + "{name}/<rest>", this::serve);
    }
  }

  private void serve(Context ctx) throws JsonProcessingException {
    try {
      gateway.authenticate(ctx);
    } catch (GatewayRejection rejection) {
      ApiGateway.respond(ctx, rejection, context.json());
      return;
    }
    String name = ctx.pathParam("name");
    Path entry = context.settings().functionsDirectory().resolve(name).resolve("index.ts");
    if (!NAME.matcher(name).matches() || !Files.isRegularFile(entry)) {
      error(ctx, 404, "NOT_FOUND", "Requested function was not found");
      return;
    }
    if (deno.isEmpty()) {
      error(
          ctx,
          503,
          "DENO_UNAVAILABLE",
          "Deno is not installed: install it (https://deno.land) or run `npm install` in"
              + " devstack/src/test/js, then restart the stack");
      return;
    }
    try {
      HttpResponse<byte[]> response = forward(ctx, name, entry);
      ctx.status(response.statusCode());
      response
          .headers()
          .map()
          .forEach(
              (k, v) -> {
                if (!FunctionProxy.HOP_BY_HOP.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                  ctx.header(k, String.join(", ", v));
                }
              });
      ctx.result(response.body());
    } catch (FunctionBootException e) {
      log.warn("edge function {} failed to start: {}", name, e.getMessage());
      error(ctx, 503, "BOOT_ERROR", "Function failed to start (please check logs)");
    }
  }

  private HttpResponse<byte[]> forward(Context ctx, String name, Path entry) {
    for (int attempt = 1; ; attempt++) {
      FunctionProcess process = process(name, entry, ctx.req().getLocalPort());
      try {
        return proxy.forward(ctx, process.port());
      } catch (ConnectException e) {
        running.remove(name);
        process.stop();
        if (attempt == 2) {
          throw new FunctionBootException("function " + name + " stopped accepting connections");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("proxying to function " + name + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FunctionBootException("interrupted while calling function " + name);
      }
    }
  }

  private FunctionProcess process(String name, Path entry, int stackPort) {
    if (closed) {
      throw new FunctionBootException("the stack is stopping");
    }
    FutureTask<FunctionProcess> task =
        new FutureTask<>(
            () ->
                FunctionProcess.start(
                    name,
                    deno.orElseThrow(),
                    bootstrap,
                    entry,
                    workDir,
                    env(stackPort),
                    BOOT_TIMEOUT));
    FutureTask<FunctionProcess> existing = running.putIfAbsent(name, task);
    if (existing == null) {
      task.run();
      existing = task;
    }
    try {
      FunctionProcess process = existing.get();
      if (!process.isAlive()) {
        running.remove(name, existing);
        return process(name, entry, stackPort);
      }
      return process;
    } catch (ExecutionException e) {
      running.remove(name, existing);
      throw e.getCause() instanceof FunctionBootException boot
          ? boot
          : new FunctionBootException(String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FunctionBootException("interrupted while starting function " + name);
    }
  }

  private Map<String, String> env(int port) {
    Map<String, String> env =
        new LinkedHashMap<>(
            com.casarerpa.fleet.devstack.net.FunctionEnvFile.read(
                context.settings().functionsDirectory()));
    env.put("SUPABASE_URL", "http://" + context.settings().host() + ":" + port);
    env.put("SUPABASE_ANON_KEY", context.anonKey());
    env.put("SUPABASE_SERVICE_ROLE_KEY", context.serviceRoleKey());
    env.put("SUPABASE_DB_URL", context.database().databaseUrl("postgres"));
    return env;
  }

  private void error(Context ctx, int status, String code, String message)
      throws JsonProcessingException {
    ctx.status(status)
        .contentType("application/json")
        .result(context.json().writeValueAsString(Map.of("code", code, "message", message)));
  }

  @Override
  public void close() {
    closed = true;
    for (FutureTask<FunctionProcess> task : running.values()) {
      if (task.isDone()) {
        try {
          task.get().stop();
        } catch (ExecutionException | InterruptedException e) {
          // never started: nothing to stop
        }
      } else {
        task.cancel(true);
      }
    }
    running.clear();
    try (var files = Files.list(workDir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(workDir);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", workDir, e.toString());
    }
  }
}
