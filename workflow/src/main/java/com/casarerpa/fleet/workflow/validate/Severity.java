package com.casarerpa.fleet.workflow.validate;

/** ERROR fails the workflow before it starts; WARNING is reported and the run goes ahead. */
public enum Severity {
  ERROR,
  WARNING
}
