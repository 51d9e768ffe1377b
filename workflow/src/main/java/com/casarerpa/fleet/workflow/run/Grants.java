package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.nodes.CredentialsProvider;
import java.util.Objects;

/**
 * What the robot allows a run: the {@code host} capability (RunCommandNode, SystemInfoNode, ...)
 * and the credentials service nodes may use. Checked at validation, so a refused node fails the run
 * before its first node.
 */
public record Grants(boolean host, CredentialsProvider credentials) {
  public static final Grants NONE = new Grants(false, CredentialsProvider.NONE);

  public Grants {
    Objects.requireNonNull(credentials, "credentials");
  }
}
