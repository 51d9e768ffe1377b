package com.casarerpa.fleet.workflow.validate;

/**
 * The original engine's validation codes, plus this engine's reasons for refusing a node type
 * ({@code NEEDS_CAPABILITY}, {@code NEEDS_CREDENTIALS}, {@code UNSUPPORTED_NODE}, {@code
 * NOT_IN_ORIGINAL}) and {@code UNUSED_CONFIG_KEY}. {@code UNKNOWN_NODE_TYPE} is kept for callers
 * that match on it; validation reports {@code NOT_IN_ORIGINAL} instead.
 */
public final class IssueCodes {
  public static final String MISSING_REQUIRED_KEY = "MISSING_REQUIRED_KEY";
  public static final String INVALID_TYPE = "INVALID_TYPE";
  public static final String INVALID_JSON = "INVALID_JSON";
  public static final String MISSING_REQUIRED_FIELD = "MISSING_REQUIRED_FIELD";
  public static final String NODE_ID_MISMATCH = "NODE_ID_MISMATCH";
  public static final String UNKNOWN_NODE_TYPE = "UNKNOWN_NODE_TYPE";
  public static final String NEEDS_CAPABILITY = "NEEDS_CAPABILITY";

  /** A service node (FTP, e-mail, Google, messaging) on a robot without that service's secrets. */
  public static final String NEEDS_CREDENTIALS = "NEEDS_CREDENTIALS";

  /** A CasareRPA type this engine does not provide (parallel branches, sub-workflows, ...). */
  public static final String UNSUPPORTED_NODE = "UNSUPPORTED_NODE";

  /** A name the original's registry does not have either (its engine refuses it too). */
  public static final String NOT_IN_ORIGINAL = "NOT_IN_ORIGINAL";

  /** A config key the node does not read (a warning: a typo or a key of another node). */
  public static final String UNUSED_CONFIG_KEY = "UNUSED_CONFIG_KEY";

  /**
   * A Windows absolute path ({@code C:\temp\x.xlsx}) in a node's config, on a robot that is not
   * Windows and maps no folder covering it ({@code CASARE_PATH_MAP}).
   */
  public static final String UNMAPPED_WINDOWS_PATH = "UNMAPPED_WINDOWS_PATH";

  /** A warning: a node's required input is neither configured nor connected. */
  public static final String MISSING_INPUT = "MISSING_INPUT";

  public static final String INVALID_CONFIG = "INVALID_CONFIG";
  public static final String ORPHANED_CONNECTION = "ORPHANED_CONNECTION";
  public static final String SELF_CONNECTION = "SELF_CONNECTION";
  public static final String EMPTY_WORKFLOW = "EMPTY_WORKFLOW";
  public static final String DUPLICATE_NODE_ID = "DUPLICATE_NODE_ID";
  public static final String CIRCULAR_DEPENDENCY = "CIRCULAR_DEPENDENCY";
  public static final String LIMIT_EXCEEDED = "LIMIT_EXCEEDED";
  public static final String DANGEROUS_CONTENT = "DANGEROUS_CONTENT";
  public static final String SCHEMA_VERSION_MISMATCH = "SCHEMA_VERSION_MISMATCH";
  public static final String MISSING_NAME = "MISSING_NAME";
  public static final String NAME_TOO_LONG = "NAME_TOO_LONG";
  public static final String INVALID_POSITION = "INVALID_POSITION";
  public static final String DUPLICATE_CONNECTION = "DUPLICATE_CONNECTION";
  public static final String NO_ENTRY_POINT = "NO_ENTRY_POINT";
  public static final String UNREACHABLE_NODES = "UNREACHABLE_NODES";

  private IssueCodes() {}
}
