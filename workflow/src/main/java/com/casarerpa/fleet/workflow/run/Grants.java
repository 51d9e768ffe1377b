package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import java.util.Objects;

/**
 * What the robot allows a run: the {@code host} capability (RunCommandNode, SystemInfoNode, ...),
 * the credentials service nodes may use, and where Windows folders named by a workflow live on this
 * robot ({@link PathMap}). Checked at validation, so a refused node fails the run before its first
 * node.
 */
public record Grants(boolean host, CredentialsProvider credentials, PathMap pathMap) {
  public static final Grants NONE = new Grants(false, CredentialsProvider.NONE);

  public Grants {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(pathMap, "pathMap");
  }

  public Grants(boolean host, CredentialsProvider credentials) {
    this(host, credentials, PathMap.NONE);
  }
}
