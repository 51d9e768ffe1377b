package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeContext;

/**
 * Text handed to the regex engine that checks cancellation and the node's deadline every few
 * thousand character reads, so a catastrophic pattern cannot hold the run past a stop request.
 */
final class GuardedText implements CharSequence {
  private static final int CHECK_EVERY = 8192;

  /** Thrown out of the regex engine when the run was cancelled or the node ran out of time. */
  static final class Stopped extends RuntimeException {
    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  private final String text;
  private final NodeContext ctx;
  private int reads;

  GuardedText(String text, NodeContext ctx) {
    this.text = text;
    this.ctx = ctx;
  }

  @Override
  public char charAt(int index) {
    if (++reads % CHECK_EVERY == 0
        && (ctx.cancellation().isCancelled() || ctx.remaining().isZero())) {
      throw new Stopped(
          ctx.nodeId() + ": the regular expression was stopped (cancelled or timed out)");
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text;
  }
}
