package com.casarerpa.fleet.devstack.rest;

import java.util.List;

/** A horizontal filter from the query string: one condition or an and/or group. */
sealed interface Filter {
  /**
   * {@code field=[not.]operator[(any|all)].value}.
   *
   * @param field the filtered column (and JSON path)
   * @param negated whether {@code not.} preceded the operator
   * @param operator {@code eq}, {@code in}, {@code is}, …
   * @param modifier {@code any}, {@code all}, a full-text language, or null
   * @param value the raw value text after the operator
   */
  record Condition(Field field, boolean negated, String operator, String modifier, String value)
      implements Filter {}

  /**
   * {@code [not.]or=(…)} or {@code [not.]and=(…)}.
   *
   * @param or true for {@code or}, false for {@code and}
   * @param negated whether {@code not.} preceded it
   * @param children the conditions and nested groups
   */
  record Group(boolean or, boolean negated, List<Filter> children) implements Filter {}
}
