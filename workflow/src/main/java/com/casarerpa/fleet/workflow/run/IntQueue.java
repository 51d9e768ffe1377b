package com.casarerpa.fleet.workflow.run;

import java.util.Arrays;

/** A growable ring deque of node indices (no boxing in the hot loop). */
final class IntQueue {
  private int[] items = new int[16];
  private int head;
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(int v) {
    grow();
    items[(head + size) & (items.length - 1)] = v;
    size++;
  }

  void addFirst(int v) {
    grow();
    head = (head - 1) & (items.length - 1);
    items[head] = v;
    size++;
  }

  int pollFirst() {
    int v = items[head];
    head = (head + 1) & (items.length - 1);
    size--;
    return v;
  }

  void clear() {
    head = 0;
    size = 0;
  }

  private void grow() {
    if (size < items.length) {
      return;
    }
    int[] bigger = new int[items.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = items[(head + i) & (items.length - 1)];
    }
    items = bigger;
    head = 0;
  }

  @Override
  public String toString() {
    return Arrays.toString(Arrays.copyOf(items, size));
  }
}
