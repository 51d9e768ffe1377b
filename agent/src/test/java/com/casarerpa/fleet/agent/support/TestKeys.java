package com.casarerpa.fleet.agent.support;

import com.casarerpa.fleet.agent.config.AgentConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Keys shaped like real ones, for tests that never reach a real server. */
public final class TestKeys {
  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
  public static final String ROBOT_KEY = "crpa_" + "A".repeat(20) + "b-_" + "9".repeat(20);
  public static final String ANON_KEY = jwt("anon");
  public static final String SERVICE_ROLE_KEY = jwt("service_role");

  private TestKeys() {}

  public static String jwt(String role) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(UTF8));
    String claims =
        b64.encodeToString(
            ("{\"iss\":\"supabase-demo\",\"role\":\"" + role + "\",\"exp\":1983812996}")
                .getBytes(UTF8));
    return header + "." + claims + ".c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
  }

  /** A configuration with these keys pointing at {@code url}, the ops port off. */
  public static AgentConfig.Builder config(URI url) {
    return AgentConfig.builder(url, ANON_KEY, ROBOT_KEY).opsPort(AgentConfig.OPS_DISABLED);
  }

  /** The three required settings pointing at {@code url}, plus any overrides (config reader). */
  public static Map<String, String> settings(String url, String... overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("SUPABASE_URL", url);
    settings.put("SUPABASE_ANON_KEY", ANON_KEY);
    settings.put("ROBOT_API_KEY", ROBOT_KEY);
    settings.put("ROBOT_OPS_PORT", "off");
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      settings.put(overrides[i], overrides[i + 1]);
    }
    return settings;
  }
}
