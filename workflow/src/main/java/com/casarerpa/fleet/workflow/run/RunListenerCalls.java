package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.RunListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a {@link RunListener}, logging (not propagating) its exceptions. */
final class RunListenerCalls {
  private static final Logger LOG = LoggerFactory.getLogger(RunListenerCalls.class);

  private RunListenerCalls() {}

  static void progress(RunListener l, int percent, PlanNode pn) {
    try {
      l.onProgress(percent, pn == null ? null : pn.id, pn == null ? null : pn.type);
    } catch (RuntimeException e) {
      LOG.warn("run listener failed in onProgress: {}", e.toString());
    }
  }

  static void started(RunListener l, PlanNode pn) {
    try {
      l.onNodeStarted(pn.id, pn.type);
    } catch (RuntimeException e) {
      LOG.warn("run listener failed in onNodeStarted: {}", e.toString());
    }
  }

  static void finished(RunListener l, PlanNode pn, String error) {
    try {
      l.onNodeFinished(pn.id, pn.type, error);
    } catch (RuntimeException e) {
      LOG.warn("run listener failed in onNodeFinished: {}", e.toString());
    }
  }
}
