package com.casarerpa.fleet.workflow.expr;

import com.casarerpa.fleet.workflow.template.PythonText;

/** Short alias for Python repr in messages. */
final class PyReprs {
  private PyReprs() {}

  static String of(Object v) {
    return PythonText.repr(v);
  }
}
