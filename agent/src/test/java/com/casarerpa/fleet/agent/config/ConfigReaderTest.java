package com.casarerpa.fleet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.agent.support.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
  @TempDir Path dir;

  private Path file(String... lines) throws IOException {
    Path file = dir.resolve("agent.env");
    Files.write(file, List.of(lines));
    return file;
  }

  @Test
  void flags_beat_environment_which_beats_the_file_which_beats_defaults() throws IOException {
    file(
        "SUPABASE_URL=http://file:1",
        "SUPABASE_ANON_KEY=" + TestKeys.ANON_KEY,
        "ROBOT_API_KEY=" + TestKeys.ROBOT_KEY,
        "ROBOT_ENVIRONMENT=from-file",
        "ROBOT_TAGS=\"a, b\"",
        "ROBOT_MAX_CONCURRENT_JOBS=3");
    Map<String, String> env = Map.of("ROBOT_ENVIRONMENT", "from-env", "ROBOT_NAME", "env-name");
    Map<String, String> flags = Map.of("ROBOT_NAME", "flag-name");

    AgentConfig config = ConfigReader.read(ConfigSources.load(null, dir, env, flags));

    assertThat(config.supabaseUrl()).hasToString("http://file:1");
    assertThat(config.environment()).isEqualTo("from-env");
    assertThat(config.robotName()).isEqualTo("flag-name");
    assertThat(config.maxConcurrentJobs()).isEqualTo(3);
    assertThat(config.tags()).containsExactly("a", "b");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void missing_required_settings_are_all_named_with_where_to_set_them() {
    assertThatThrownBy(() -> ConfigReader.read(ConfigSources.load(null, dir, Map.of(), Map.of())))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("SUPABASE_URL is not set"))
                    .anySatisfy(p -> assertThat(p).startsWith("SUPABASE_ANON_KEY is not set"))
                    .anySatisfy(p -> assertThat(p).startsWith("ROBOT_API_KEY is not set")));
  }

  @Test
  void a_service_role_key_is_refused_because_robots_must_not_hold_it() {
    Map<String, String> settings = TestKeys.settings("http://x:1");
    settings.put("SUPABASE_ANON_KEY", TestKeys.SERVICE_ROLE_KEY);

    assertThatThrownBy(() -> AgentConfig.fromSettings(settings))
        .hasMessageContaining("SUPABASE_ANON_KEY")
        .hasMessageContaining("robots must not hold the service key")
        .hasMessageNotContaining(TestKeys.SERVICE_ROLE_KEY);
  }

  @Test
  void bad_values_name_the_setting_the_value_its_source_and_the_fix() {
    Map<String, String> env =
        Map.of(
            "SUPABASE_URL", "ftp://nowhere",
            "SUPABASE_ANON_KEY", TestKeys.ANON_KEY,
            "ROBOT_API_KEY", "crpa_tooShortButSecretish",
            "ROBOT_MAX_CONCURRENT_JOBS", "many",
            "ROBOT_HEARTBEAT_INTERVAL", "soon",
            "TENANT_ID", "acme");

    assertThatThrownBy(() -> ConfigReader.read(ConfigSources.load(null, dir, env, Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SUPABASE_URL=ftp://nowhere (from env): not an http(s) URL")
        .hasMessageContaining("ROBOT_MAX_CONCURRENT_JOBS=many (from env): must be a whole number")
        .hasMessageContaining("ROBOT_HEARTBEAT_INTERVAL=soon (from env): must be a duration")
        .hasMessageContaining("TENANT_ID=acme (from env): not a uuid")
        .hasMessageContaining("ROBOT_API_KEY=crpa_too… (from env)")
        .hasMessageNotContaining("tooShortButSecretish");
  }

  @Test
  void the_seeds_all_zero_tenant_id_means_a_single_tenant_fleet_and_checks_nothing() {
    Map<String, String> seed =
        TestKeys.settings("http://x:1", "TENANT_ID", "00000000-0000-0000-0000-000000000000");
    assertThat(AgentConfig.fromSettings(seed).tenantId()).isNull();
    String acme = "7d4f7a52-9a55-4a4e-9d52-1f0c2b8a3e11";
    assertThat(
            AgentConfig.fromSettings(TestKeys.settings("http://x:1", "TENANT_ID", acme)).tenantId())
        .hasToString(acme);
  }

  @Test
  void an_offline_threshold_shorter_than_two_heartbeats_is_refused() {
    Map<String, String> settings =
        TestKeys.settings(
            "http://x:1", "ROBOT_HEARTBEAT_INTERVAL", "30", "ROBOT_OFFLINE_THRESHOLD", "45s");

    assertThatThrownBy(() -> AgentConfig.fromSettings(settings))
        .hasMessageContaining("ROBOT_OFFLINE_THRESHOLD=45s (from flag): must be at least twice");
  }

  @Test
  void unknown_names_in_the_file_are_reported_with_file_and_line() throws IOException {
    Path file = file("# comment", "", "ROBOT_NAEM=typo");

    assertThatThrownBy(
            () ->
                ConfigReader.read(
                    ConfigSources.load(file, dir, TestKeys.settings("http://x:1"), Map.of())))
        .hasMessageContaining(file + ":3: unknown setting ROBOT_NAEM");
  }

  @Test
  void an_explicit_config_file_that_does_not_exist_is_an_error() {
    Path missing = dir.resolve("nope.env");

    assertThatThrownBy(
            () ->
                ConfigReader.read(
                    ConfigSources.load(missing, dir, TestKeys.settings("http://x:1"), Map.of())))
        .hasMessageContaining("--config " + missing + ": no such file");
  }

  @Test
  void the_effective_config_masks_both_keys() {
    AgentConfig config = AgentConfig.fromSettings(TestKeys.settings("http://x:1"));

    assertThat(config.describe())
        .contains("robot_api_key=crpa_AAA…")
        .doesNotContain(TestKeys.ROBOT_KEY)
        .doesNotContain(TestKeys.ANON_KEY);
    assertThat(config.toString()).doesNotContain(TestKeys.ROBOT_KEY);
  }

  @Test
  void durations_accept_plain_seconds_and_units() {
    AgentConfig config =
        AgentConfig.fromSettings(
            TestKeys.settings(
                "http://x:1",
                "JOB_POLL_INTERVAL",
                "500ms",
                "ROBOT_JOB_TIMEOUT",
                "2m",
                "ROBOT_HEARTBEAT_INTERVAL",
                "1.5"));

    assertThat(config.jobPollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.jobTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void the_shipped_example_documents_every_setting() throws IOException {
    String example = Files.readString(Path.of("..", "config", "agent.env.example"));

    assertThat(Arrays.stream(Setting.values()))
        .allSatisfy(s -> assertThat(example).contains("\n" + s.name() + "="));
  }

  @Test
  void workflow_http_allow_reaches_the_engine_policy_and_a_bad_entry_is_named() throws Exception {
    AgentConfig config =
        AgentConfig.fromSettings(
            TestKeys.settings(
                "http://127.0.0.1:1", "WORKFLOW_HTTP_ALLOW", "127.0.0.1, 10.0.0.0/8"));
    assertThat(config.workflowHttp().permits(java.net.InetAddress.getByName("10.9.8.7"))).isTrue();
    assertThat(config.workflowHttp().permits(java.net.InetAddress.getByName("192.168.0.1")))
        .isFalse();
    assertThat(
            AgentConfig.fromSettings(TestKeys.settings("http://127.0.0.1:1"))
                .workflowHttp()
                .permits(java.net.InetAddress.getByName("127.0.0.1")))
        .as("default: no internal address")
        .isFalse();
    assertThatThrownBy(
            () ->
                AgentConfig.fromSettings(
                    TestKeys.settings("http://127.0.0.1:1", "WORKFLOW_HTTP_ALLOW", "intranet")))
        .hasMessageContaining("WORKFLOW_HTTP_ALLOW")
        .hasMessageContaining("intranet");
  }

  @Test
  void casare_path_map_reaches_the_engine_and_a_bad_entry_is_named() {
    AgentConfig config =
        AgentConfig.fromSettings(
            TestKeys.settings(
                "http://127.0.0.1:1", "CASARE_PATH_MAP", "C:\\temp=/var/tmp/casare;D:\\in=in"));
    assertThat(config.pathMap().map("c:\\TEMP\\test.xlsx"))
        .hasValue(
            new com.casarerpa.fleet.workflow.PathMap.Mapped(
                "/var/tmp/casare", List.of("test.xlsx")));
    assertThat(config.pathMap().map("D:\\in\\a.csv")).isPresent();
    assertThat(
            AgentConfig.fromSettings(TestKeys.settings("http://127.0.0.1:1")).pathMap().isEmpty())
        .as("default: no path map")
        .isTrue();
    assertThatThrownBy(
            () ->
                AgentConfig.fromSettings(
                    TestKeys.settings("http://127.0.0.1:1", "CASARE_PATH_MAP", "/tmp=/var/tmp")))
        .hasMessageContaining("CASARE_PATH_MAP")
        .hasMessageContaining("WINDOWS_FOLDER=TARGET");
  }

  @Test
  void a_config_file_holding_the_robot_key_that_others_can_read_is_warned_about()
      throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        com.casarerpa.fleet.agent.internal.PrivateFiles.posix(dir.getFileSystem()));
    file(
        "SUPABASE_URL=http://file:1",
        "SUPABASE_ANON_KEY=" + TestKeys.ANON_KEY,
        "ROBOT_API_KEY=" + TestKeys.ROBOT_KEY);
    Path file = dir.resolve("agent.env");
    java.nio.file.Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(ConfigSources.load(null, dir, Map.of(), Map.of()).warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(file.toString(), "ROBOT_API_KEY", "rw-r--r--", "chmod 600");

    java.nio.file.Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(ConfigSources.load(null, dir, Map.of(), Map.of()).warnings()).isEmpty();
  }

  @Test
  void the_builder_starts_from_the_same_defaults_the_reader_applies() {
    AgentConfig read = AgentConfig.fromSettings(TestKeys.settings("http://x:1"));

    AgentConfig built =
        AgentConfig.builder(URI.create("http://x:1"), TestKeys.ANON_KEY, TestKeys.ROBOT_KEY)
            .hostname(read.hostname())
            .opsPort(AgentConfig.OPS_DISABLED)
            .build();

    assertThat(built).isEqualTo(read);
    assertThat(read.toBuilder().maxConcurrentJobs(4).build().maxConcurrentJobs()).isEqualTo(4);
  }
}
