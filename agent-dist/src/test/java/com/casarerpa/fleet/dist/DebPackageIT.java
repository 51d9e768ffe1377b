package com.casarerpa.fleet.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb, taken apart with dpkg-deb: files, owners and modes as dpkg will install them, the
 * conffile, maintainer scripts (shellcheck) and the systemd units of the unpacked tree
 * (systemd-analyze verify).
 */
class DebPackageIT {
  /** path → "mode owner/group" as dpkg-deb -c lists it (plus "-> target" for links). */
  private static final Map<String, String> entries = new LinkedHashMap<>();

  private static Path deb;
  @TempDir static Path work;

  @BeforeAll
  static void list() throws Exception {
    deb = Dist.deb();
    for (String line :
        Dist.run(List.of("dpkg-deb", "-c", deb.toString())).assertOk().output().lines().toList()) {
      // drwxr-x--- root/casare-agent 0 2026-11-30 01:02 ./etc/casare-agent/
      String[] f = line.trim().split("\\s+", 6);
      String name = f[5];
      String link = "";
      int arrow = name.indexOf(" -> ");
      if (arrow > 0) {
        link = " -> " + name.substring(arrow + 4);
        name = name.substring(0, arrow);
      }
      entries.put(
          name.replaceFirst("^\\./", "/").replaceFirst("(.)/$", "$1"), f[0] + " " + f[1] + link);
    }
  }

  @Test
  void the_control_file_names_the_package_for_amd64_with_its_own_runtime() throws Exception {
    String info = Dist.run(List.of("dpkg-deb", "-I", deb.toString())).assertOk().output();

    assertThat(info).contains("Package: casare-agent", "Architecture: amd64");
    assertThat(info).doesNotContain("Depends: default-jre", "openjdk");
  }

  @Test
  void the_program_lies_under_opt_owned_by_root_with_its_runtime() {
    assertThat(entries)
        .containsEntry("/opt/casare-agent/bin/casare-agent", "-rwxr-xr-x root/root")
        .containsEntry("/opt/casare-agent/lib/casare-agent.jar", "-rw-r--r-- root/root")
        .containsEntry("/opt/casare-agent/runtime/bin/java", "-rwxr-xr-x root/root")
        .containsEntry("/opt/casare-agent/runtime/lib/jspawnhelper", "-rwxr-xr-x root/root")
        .containsEntry("/opt/casare-agent/config/logback.xml.example", "-rw-r--r-- root/root")
        .containsEntry("/opt/casare-agent/install/README.md", "-rw-r--r-- root/root");
    // a symbolic link (its own mode bits mean nothing)
    assertThat(entries.get("/usr/bin/casare-agent"))
        .startsWith("l")
        .endsWith(" root/root -> /opt/casare-agent/bin/casare-agent");
    assertThat(entries.keySet())
        .noneMatch(p -> p.startsWith("/opt/casare-agent/install/supabase"))
        .filteredOn(p -> p.startsWith("/opt/"))
        .allSatisfy(p -> assertThat(entries.get(p)).contains(" root/root"));
  }

  @Test
  void the_settings_file_is_readable_only_by_root_and_the_agents_group() {
    assertThat(entries)
        .containsEntry("/etc/casare-agent", "drwxr-x--- root/casare-agent")
        .containsEntry("/etc/casare-agent/agent.env", "-rw-r----- root/casare-agent")
        .containsEntry("/var/lib/casare-agent", "drwxr-x--- casare-agent/casare-agent");
  }

  @Test
  void the_units_are_installed_for_systemd() {
    assertThat(entries)
        .containsEntry("/usr/lib/systemd/system/casare-agent.service", "-rw-r--r-- root/root")
        .containsEntry("/usr/lib/systemd/system/casare-agent@.service", "-rw-r--r-- root/root");
  }

  @Test
  void agent_env_is_a_conffile_and_the_maintainer_scripts_pass_shellcheck() throws Exception {
    Path control = work.resolve("control");
    Dist.run(List.of("dpkg-deb", "-e", deb.toString(), control.toString())).assertOk();

    assertThat(Files.readAllLines(control.resolve("conffiles")))
        .containsExactly("/etc/casare-agent/agent.env");
    List<String> scripts = List.of("preinst", "postinst", "prerm", "postrm");
    for (String script : scripts) {
      assertThat(control.resolve(script)).isExecutable();
      Dist.run(List.of("shellcheck", "-s", "sh", control.resolve(script).toString())).assertOk();
    }
    String postrm = Files.readString(control.resolve("postrm"));
    assertThat(postrm.substring(postrm.indexOf("purge)"), postrm.indexOf(";;")))
        .as("purge deletes settings, data and the user")
        .contains(
            "rm -rf /var/lib/casare-agent /var/cache/casare-agent /etc/casare-agent",
            "userdel casare-agent");
    assertThat(postrm.replaceAll("(?s)purge\\).*?;;", ""))
        .as("outside purge nothing is deleted")
        .doesNotContain("rm -", "userdel");
    assertThat(Files.readString(control.resolve("prerm")))
        .as("an upgrade does not stop the agents; the new postinst restarts them")
        .contains("remove|deconfigure)")
        .doesNotContain("upgrade)");
    assertThat(Files.readString(control.resolve("postinst")))
        .contains("systemctl try-restart 'casare-agent.service' 'casare-agent@*.service'");
  }

  @Test
  void the_units_of_the_unpacked_tree_pass_systemd_analyze_verify() throws Exception {
    Path root = work.resolve("root");
    Dist.run(List.of("dpkg-deb", "-x", deb.toString(), root.toString())).assertOk();
    // systemd-analyze --root wants a whole system (sysinit.target ...): verify copies whose
    // program and settings paths point into the unpacked tree instead, so that verify also checks
    // that ExecStart is executable there; the template as systemctl would load casare-agent@robot2
    Path units = Files.createDirectories(work.resolve("units"));
    Map<String, String> copies =
        Map.of(
            "casare-agent.service", "casare-agent.service",
            "casare-agent@.service", "casare-agent@robot2.service");
    for (var unit : copies.entrySet()) {
      String text = Files.readString(root.resolve("usr/lib/systemd/system/" + unit.getKey()));
      Files.writeString(
          units.resolve(unit.getValue()),
          text.replace("/opt/casare-agent", root + "/opt/casare-agent")
              .replace("/etc/casare-agent", root + "/etc/casare-agent"));
    }

    for (String unit : copies.values()) {
      Dist.Result r = Dist.run(List.of("systemd-analyze", "verify", "--man=no", unit), units);
      assertThat(r.code()).as(unit + ":\n" + r.output()).isZero();
      // verify exits 0 on unknown or misspelt settings: it only warns
      assertThat(r.output()).as(unit).isEmpty();
    }
  }

  @Test
  void the_unit_keeps_the_jvm_friendly_settings() throws Exception {
    Path root = work.resolve("root-settings");
    Dist.run(List.of("dpkg-deb", "-x", deb.toString(), root.toString())).assertOk();
    for (String unit : List.of("casare-agent.service", "casare-agent@.service")) {
      List<String> lines =
          Files.readAllLines(root.resolve("usr/lib/systemd/system/" + unit)).stream()
              .filter(l -> !l.startsWith("#"))
              .toList();
      assertThat(lines)
          .as(unit)
          .contains(
              "Restart=on-failure",
              "RestartPreventExitStatus=2 3",
              "SuccessExitStatus=143",
              "TimeoutStopSec=90",
              "KillMode=mixed",
              "User=casare-agent",
              "NoNewPrivileges=yes",
              "ProtectSystem=strict")
          .anyMatch(l -> l.startsWith("StateDirectory=casare-agent"))
          .anyMatch(l -> l.startsWith("EnvironmentFile="))
          // the JIT writes code; OSHI reads /proc
          .noneMatch(l -> l.startsWith("MemoryDenyWriteExecute"))
          .noneMatch(l -> l.startsWith("ProcSubset"))
          .noneMatch(l -> l.startsWith("ProtectProc"));
    }
  }
}
