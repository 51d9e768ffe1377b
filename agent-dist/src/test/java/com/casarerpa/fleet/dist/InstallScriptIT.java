package com.casarerpa.fleet.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install/linux/install.sh from the unpacked archive, against a throwaway root (--root: no user,
 * owners or systemctl, which need the real system): install, upgrade in place keeping settings, a
 * named instance with its own ops port, uninstall keeping data, --purge. And shellcheck on it and
 * on the launcher.
 */
class InstallScriptIT {
  @TempDir Path dir;

  private Dist.Result script(Path home, Path root, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(home.resolve("install/linux/install.sh").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--root", root.toString()));
    return Dist.run(command).assertOk();
  }

  @Test
  void the_shell_scripts_of_the_archive_pass_shellcheck() throws Exception {
    Path home = Dist.unpack(Dist.archive("-bin.tar.gz"), dir.resolve("dist"));

    Dist.run(
            List.of(
                "shellcheck",
                home.resolve("install/linux/install.sh").toString(),
                home.resolve("bin/casare-agent").toString()))
        .assertOk();
  }

  @Test
  void install_upgrade_instance_uninstall_and_purge() throws Exception {
    Path home = Dist.unpack(Dist.archive("-linux-x64.tar.gz"), dir.resolve("dist"));
    Path root = dir.resolve("root");

    String first = script(home, root, "install").output();
    assertThat(first)
        .contains("installed casare-agent", "wrote " + root + "/etc/casare-agent/agent.env");
    assertThat(root.resolve("opt/casare-agent/bin/casare-agent")).isExecutable();
    assertThat(root.resolve("opt/casare-agent/runtime/bin/java")).isExecutable();
    assertThat(root.resolve("etc/systemd/system/casare-agent.service")).exists();
    assertThat(root.resolve("etc/systemd/system/casare-agent@.service")).exists();
    assertThat(Files.readSymbolicLink(root.resolve("usr/local/bin/casare-agent")))
        .isEqualTo(Path.of("/opt/casare-agent/bin/casare-agent"));
    Path settings = root.resolve("etc/casare-agent/agent.env");
    assertThat(Files.getPosixFilePermissions(settings))
        .hasToString("[OWNER_READ, OWNER_WRITE, GROUP_READ]");

    Files.writeString(settings, "ROBOT_API_KEY=crpa_mine\n");
    Files.writeString(root.resolve("var/lib/casare-agent/kept"), "data");
    String second = script(home, root, "upgrade").output();
    assertThat(second).contains("upgraded casare-agent", "kept your settings in " + settings);
    assertThat(settings).hasContent("ROBOT_API_KEY=crpa_mine");
    assertThat(root.resolve("opt/casare-agent.old")).doesNotExist();

    script(home, root, "install", "--instance", "robot2");
    script(home, root, "install", "--instance", "robot3");
    assertThat(root.resolve("etc/casare-agent/robot2.env"))
        .content()
        .contains("ROBOT_OPS_PORT=9471", "ROBOT_NAME=robot2");
    assertThat(root.resolve("etc/casare-agent/robot3.env"))
        .content()
        .contains("ROBOT_OPS_PORT=9472");

    String removeInstance =
        script(home, root, "uninstall", "--instance", "robot3", "--purge").output();
    assertThat(removeInstance).contains("deleted the settings and data of robot3");
    assertThat(root.resolve("etc/casare-agent/robot3.env")).doesNotExist();
    assertThat(root.resolve("etc/casare-agent/robot2.env")).exists();

    String uninstall = script(home, root, "uninstall").output();
    assertThat(uninstall).contains("kept settings");
    assertThat(root.resolve("opt/casare-agent")).doesNotExist();
    assertThat(root.resolve("etc/systemd/system/casare-agent.service")).doesNotExist();
    assertThat(settings).exists();
    assertThat(root.resolve("var/lib/casare-agent/kept")).exists();

    script(home, root, "uninstall", "--purge");
    assertThat(root.resolve("etc/casare-agent")).doesNotExist();
    assertThat(root.resolve("var/lib/casare-agent")).doesNotExist();
  }

  @Test
  void a_bad_instance_name_is_refused_with_a_clear_message() throws Exception {
    Path home = Dist.unpack(Dist.archive("-bin.tar.gz"), dir.resolve("dist"));

    Dist.Result r =
        Dist.run(
            List.of(
                home.resolve("install/linux/install.sh").toString(),
                "install",
                "--instance",
                "../x",
                "--root",
                dir.resolve("root").toString()));

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.output()).contains("--instance ../x: start with a letter or digit");
    assertThat(dir.resolve("root")).doesNotExist();
  }
}
