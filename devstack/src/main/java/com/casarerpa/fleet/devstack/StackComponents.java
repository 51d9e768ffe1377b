package com.casarerpa.fleet.devstack;

import com.casarerpa.fleet.devstack.functions.FunctionsComponent;
import com.casarerpa.fleet.devstack.net.HttpRequestComponent;
import com.casarerpa.fleet.devstack.realtime.RealtimeComponent;
import com.casarerpa.fleet.devstack.rest.RestComponent;
import java.util.List;
import java.util.function.Function;

/** The APIs the local stack serves, in registration order. */
final class StackComponents {
  private StackComponents() {}

  static List<Function<StackContext, StackComponent>> all() {
    return List.of(
        RestComponent::new,
        RealtimeComponent::new,
        FunctionsComponent::new,
        HttpRequestComponent::new);
  }
}
