package com.casarerpa.fleet.devstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StartCommandTest {
  @TempDir Path dir;

  private static StackSettings parse(String... args) {
    StartCommand command = new StartCommand();
    new CommandLine(command).parseArgs(args);
    return command.settings();
  }

  @Test
  void defaults_are_port_54321_the_home_data_folder_and_the_demo_secret() {
    StackSettings settings = parse();
    assertThat(settings.port()).isEqualTo(54321);
    assertThat(settings.dataDirectory()).isEqualTo(StartCommand.DEFAULT_DATA);
    assertThat(settings.jwtSecret())
        .isEqualTo("super-secret-jwt-token-with-at-least-32-characters-long");
  }

  @Test
  void options_choose_port_storage_and_secret() {
    StackSettings settings = parse("--port", "0", "--ephemeral", "--jwt-secret", "x".repeat(40));
    assertThat(settings.port()).isZero();
    assertThat(settings.dataDirectory()).isNull();
    assertThat(settings.jwtSecret()).isEqualTo("x".repeat(40));
    assertThat(parse("--data", dir.toString()).dataDirectory()).isEqualTo(dir);
  }

  @Test
  void data_and_ephemeral_are_mutually_exclusive() {
    int code =
        new CommandLine(new DevstackMain())
            .setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
            .execute("start", "--ephemeral", "--data", dir.toString());
    assertThat(code).isEqualTo(2);
  }

  @Test
  void the_env_file_holds_one_key_value_line_per_variable() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SUPABASE_URL", "http://127.0.0.1:54321");
    env.put("SUPABASE_ANON_KEY", "anon");
    Path file = dir.resolve("nested/.env");
    StartCommand.writeEnvFile(file, env);
    assertThat(Files.readAllLines(file))
        .containsExactly("SUPABASE_URL=http://127.0.0.1:54321", "SUPABASE_ANON_KEY=anon");
  }

  @Test
  void the_env_file_is_readable_by_its_owner_only_because_it_holds_the_service_key()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions only");
    Path file = dir.resolve(".env.local");
    Files.writeString(file, "old");
    StartCommand.writeEnvFile(file, Map.of("SUPABASE_SERVICE_KEY", "secret"));
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).isEqualTo("SUPABASE_SERVICE_KEY=secret\n");
  }
}
