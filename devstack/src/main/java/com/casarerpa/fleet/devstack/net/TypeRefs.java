package com.casarerpa.fleet.devstack.net;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;

final class TypeRefs {
  private TypeRefs() {}

  static final class StringMap extends TypeReference<Map<String, String>> {}
}
