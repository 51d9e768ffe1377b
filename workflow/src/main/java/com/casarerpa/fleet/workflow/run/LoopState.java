package com.casarerpa.fleet.workflow.run;

import java.util.List;

/** The progress of one running loop (cleared when it completes). */
final class LoopState {
  final List<?> items;
  final List<String> keys;
  int index;
  boolean broken;

  LoopState(List<?> items, List<String> keys) {
    this.items = items;
    this.keys = keys;
  }
}
