package com.casarerpa.fleet.workflow;

import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.net.InternalAddressPolicy;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import com.casarerpa.fleet.workflow.nodes.NodeRegistry;
import com.casarerpa.fleet.workflow.run.Grants;
import com.casarerpa.fleet.workflow.run.PlanBuilder;
import com.casarerpa.fleet.workflow.run.PlanRunner;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * Runs CasareRPA workflows. Thread-safe: one engine serves many concurrent runs, each on the
 * caller's thread.
 *
 * <pre>{@code
 * WorkflowEngine engine = WorkflowEngine.builder().workRoot(Path.of("work")).build();
 * RunResult r = engine.run(WorkflowDefinition.parse(json), RunOptions.DEFAULTS, listener, token);
 * }</pre>
 */
public final class WorkflowEngine implements AutoCloseable {
  /** Where job folders are created when the builder is not told. */
  public static final Path DEFAULT_WORK_ROOT =
      Path.of(System.getProperty("java.io.tmpdir"), "casare-workflow");

  /** Default HTTP timeouts for the engine's own client. */
  public static final Duration DEFAULT_HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final NodeRegistry registry;
  private final PlanRunner runner;
  private final OkHttpClient ownHttp;
  private final Grants grants;

  private WorkflowEngine(Builder b) {
    this.registry = b.registry;
    this.ownHttp = b.ownHttp ? b.http : null;
    this.grants = b.grants();
    this.runner =
        new PlanRunner(
            b.registry,
            b.clock,
            b.http,
            b.workRoot,
            b.allowFileAccessOutsideWorkFolder,
            b.grants());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Releases the HTTP connections and threads of the client the engine created (a client given to
   * the builder is left alone). Idempotent; runs still in progress keep working but open new
   * connections.
   */
  @Override
  public void close() {
    if (ownHttp != null) {
      ownHttp.connectionPool().evictAll();
      ownHttp.dispatcher().cancelAll();
    }
  }

  public NodeRegistry registry() {
    return registry;
  }

  /** Every issue (errors and warnings) of {@code wf} against this engine's node library. */
  public List<ValidationIssue> validate(WorkflowDefinition wf) {
    return PlanBuilder.validate(wf, registry, grants);
  }

  /** Throws when {@code wf} has validation errors; returns its warnings otherwise. */
  public List<ValidationIssue> check(WorkflowDefinition wf) throws WorkflowValidationException {
    List<ValidationIssue> issues = validate(wf);
    if (issues.stream().anyMatch(ValidationIssue::isError)) {
      throw new WorkflowValidationException(issues);
    }
    return issues;
  }

  /**
   * Validates and runs {@code wf} on the calling thread. Never throws for workflow problems:
   * validation errors, node failures, cancellation and timeouts are all in the {@link RunResult}.
   */
  public RunResult run(
      WorkflowDefinition wf, RunOptions options, RunListener listener, CancellationToken cancel) {
    return runner.run(
        Objects.requireNonNull(wf, "wf"),
        options == null ? RunOptions.DEFAULTS : options,
        listener,
        cancel == null ? new CancellationToken() : cancel);
  }

  /** Engine configuration with named defaults. */
  public static final class Builder {
    private NodeRegistry registry;
    private Clock clock = Clock.systemDefaultZone();
    private OkHttpClient http;
    private Path workRoot = DEFAULT_WORK_ROOT;
    private boolean allowRunCommand;
    private boolean allowFileAccessOutsideWorkFolder;
    private boolean ownHttp;
    private CredentialsProvider credentials = CredentialsProvider.NONE;
    private PathMap pathMap = PathMap.NONE;

    private Grants grants() {
      return new Grants(allowRunCommand, credentials, pathMap);
    }

    /**
     * Secrets for service nodes (FTP, e-mail, Gmail, ...), from the robot's configuration; default
     * none, so workflows using those services are refused with {@code NEEDS_CREDENTIALS}.
     */
    public Builder credentials(CredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials);
      return this;
    }

    private InternalAddressPolicy httpPolicy = InternalAddressPolicy.parse(null);

    /**
     * Node library; default {@link NodeRegistry#standard()} (built-ins + ServiceLoader plugins).
     */
    public Builder registry(NodeRegistry registry) {
      this.registry = Objects.requireNonNull(registry);
      return this;
    }

    /** Clock for system variables, date nodes and durations; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** HTTP client for HTTP nodes; default a client with {@link #DEFAULT_HTTP_CONNECT_TIMEOUT}. */
    public Builder httpClient(OkHttpClient http) {
      this.http = Objects.requireNonNull(http);
      return this;
    }

    /**
     * Which loopback, link-local and private addresses HTTP nodes may reach; default none (see
     * {@link InternalAddressPolicy}). Applied to the default client and to {@link #httpClient}.
     */
    public Builder httpPolicy(InternalAddressPolicy policy) {
      this.httpPolicy = Objects.requireNonNull(policy);
      return this;
    }

    /** {@link #httpPolicy} from an allowlist such as {@code 127.0.0.1,10.0.0.0/8}. */
    public Builder httpAllow(String allowlist) {
      return httpPolicy(InternalAddressPolicy.parse(allowlist));
    }

    /** Folder under which per-job working folders are created. */
    public Builder workRoot(Path workRoot) {
      this.workRoot = Objects.requireNonNull(workRoot);
      return this;
    }

    /**
     * Grants the {@code host} capability: RunCommandNode and SystemInfoNode (off by default: they
     * run programs on, or read, the robot's host). Without it, workflows using them fail
     * validation.
     */
    public Builder allowRunCommand(boolean allow) {
      this.allowRunCommand = allow;
      return this;
    }

    /**
     * Where the Windows folders workflows name ({@code C:\temp\test.xlsx}) live on this robot (the
     * agent's {@code CASARE_PATH_MAP}); default none, so a workflow naming one is refused on a
     * non-Windows robot before it runs.
     */
    public Builder pathMap(PathMap map) {
      this.pathMap = Objects.requireNonNull(map, "map");
      return this;
    }

    /** Lets file nodes use paths outside the job's working folder (off by default). */
    public Builder allowFileAccessOutsideWorkFolder(boolean allow) {
      this.allowFileAccessOutsideWorkFolder = allow;
      return this;
    }

    public WorkflowEngine build() {
      if (registry == null) {
        registry = NodeRegistry.standard();
      }
      if (http == null) {
        ownHttp = true;
        http =
            new OkHttpClient.Builder()
                .connectTimeout(DEFAULT_HTTP_CONNECT_TIMEOUT)
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .build();
      }
      http = httpPolicy.apply(http);
      return new WorkflowEngine(this);
    }
  }
}
