package com.casarerpa.fleet.workflow.run;

import java.util.AbstractList;
import java.util.RandomAccess;

/** Python {@code range(start, end, step)} as a list that does not store its items. */
final class LongRange extends AbstractList<Long> implements RandomAccess {
  private final long start;
  private final long step;
  private final int size;

  LongRange(long start, long end, long step) {
    this.start = start;
    this.step = step;
    long span = step > 0 ? end - start : start - end;
    long count = span <= 0 ? 0 : (span + Math.abs(step) - 1) / Math.abs(step);
    this.size = (int) Math.min(Integer.MAX_VALUE - 8, count);
  }

  @Override
  public Long get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return start + step * index;
  }

  @Override
  public int size() {
    return size;
  }
}
