package com.casarerpa.fleet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.agent.cli.ProcrunService.Account;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The Windows service definition, checked argument by argument (procrun cannot run here). */
class ProcrunServiceTest {
  private static final String HOME = "C:\\Program Files\\CasareRPA\\Agent";
  private static final String DATA = "C:\\ProgramData\\CasareRPA\\Agent";
  private static final String JAVA = HOME + "\\runtime";

  private static ProcrunService service(String instance, Account account) {
    return new ProcrunService(instance, HOME + "\\", DATA, JAVA, account);
  }

  @Test
  void install_creates_a_jvm_mode_service_that_stops_through_the_agents_drain() {
    List<String> procrun = service(null, Account.VIRTUAL).install().get(0);

    assertThat(procrun)
        .startsWith(HOME + "\\bin\\windows\\amd64\\prunsrv.exe", "//IS//CasareAgent")
        .contains(
            "--DisplayName=CasareRPA Agent",
            "--Install=" + HOME + "\\bin\\windows\\amd64\\prunsrv.exe",
            "--Jvm=" + JAVA + "\\bin\\server\\jvm.dll",
            "--Classpath=" + HOME + "\\lib\\casare-agent.jar",
            "--JvmOptions9=--enable-native-access=ALL-UNNAMED",
            "--StartMode=jvm",
            "--StartClass=com.casarerpa.fleet.agent.cli.WindowsService",
            "--StartMethod=start",
            "--StopMode=jvm",
            "--StopClass=com.casarerpa.fleet.agent.cli.WindowsService",
            "--StopMethod=stop",
            "--StartPath=" + DATA + "\\default\\data",
            "--StartParams=--config;"
                + DATA
                + "\\default\\agent.env;--data-dir;"
                + DATA
                + "\\default\\data",
            "--LogPath=" + DATA + "\\default\\logs",
            "--StdOutput=auto",
            "--StdError=auto");
    assertThat(procrun)
        .anySatisfy(
            a ->
                assertThat(a)
                    .startsWith("--JvmOptions=-Xrs;")
                    .contains(
                        "-Dlogback.configurationFile=" + HOME + "\\config\\logback-service.xml")
                    .contains("-DAGENT_LOG_DIR=" + DATA + "\\default\\logs"));
  }

  @Test
  void the_service_jvm_gets_the_same_defaults_as_the_launchers() {
    String options =
        service(null, Account.VIRTUAL).install().get(0).stream()
            .filter(a -> a.startsWith("--JvmOptions="))
            .findFirst()
            .orElseThrow();
    List<String> list = List.of(options.substring("--JvmOptions=".length()).split(";"));

    assertThat(JvmDefaults.forWindows()).contains("-XX:+UseSerialGC", "-Xmx256m");
    assertThat(list).containsSubsequence(JvmDefaults.forWindows());
    // the Linux-only trim of glibc's heap is not given to a Windows JVM
    assertThat(list).noneMatch(o -> o.contains("TrimNativeHeapInterval"));
  }

  @Test
  void the_stop_timeout_leaves_room_for_the_default_drain_budget_and_cancel_grace() {
    List<String> procrun = service(null, Account.VIRTUAL).install().get(0);
    String timeout =
        procrun.stream().filter(a -> a.startsWith("--StopTimeout=")).findFirst().orElseThrow();

    // ROBOT_SHUTDOWN_BUDGET 30 s + ROBOT_CANCEL_GRACE 10 s + going offline
    assertThat(Integer.parseInt(timeout.substring("--StopTimeout=".length())))
        .isGreaterThan(30 + 10 + 15);
  }

  @Test
  void after_creating_it_sets_a_virtual_account_delayed_start_recovery_and_folder_rights() {
    List<List<String>> install = service(null, Account.VIRTUAL).install();

    assertThat(install.subList(1, install.size()))
        .containsExactly(
            List.of("sc.exe", "config", "CasareAgent", "obj=", "NT SERVICE\\CasareAgent"),
            List.of("sc.exe", "config", "CasareAgent", "start=", "delayed-auto"),
            List.of(
                "sc.exe",
                "failure",
                "CasareAgent",
                "reset=",
                "86400",
                "actions=",
                "restart/10000/restart/30000/restart/60000"),
            List.of("sc.exe", "failureflag", "CasareAgent", "1"),
            List.of(
                "icacls",
                DATA + "\\default",
                "/inheritance:r",
                "/grant:r",
                "*S-1-5-18:(OI)(CI)F",
                "*S-1-5-32-544:(OI)(CI)F",
                "NT SERVICE\\CasareAgent:(OI)(CI)RX"),
            List.of(
                "icacls", DATA + "\\default\\data", "/grant", "NT SERVICE\\CasareAgent:(OI)(CI)M"),
            List.of(
                "icacls", DATA + "\\default\\logs", "/grant", "NT SERVICE\\CasareAgent:(OI)(CI)M"));
  }

  @Test
  void a_named_instance_is_its_own_service_with_its_own_folder() {
    ProcrunService robot2 = service("robot2", Account.VIRTUAL);

    assertThat(robot2.serviceName()).isEqualTo("CasareAgent-robot2");
    assertThat(robot2.install().get(0))
        .contains(
            "//IS//CasareAgent-robot2",
            "--DisplayName=CasareRPA Agent (robot2)",
            "--StartParams=--config;"
                + DATA
                + "\\robot2\\agent.env;--data-dir;"
                + DATA
                + "\\robot2\\data",
            "--LogPath=" + DATA + "\\robot2\\logs");
    assertThat(robot2.install().get(1)).endsWith("NT SERVICE\\CasareAgent-robot2");
  }

  @Test
  void update_reapplies_the_same_settings_and_uninstall_deletes_only_the_service() {
    ProcrunService svc = service(null, Account.VIRTUAL);

    assertThat(svc.update().get(0)).contains("//US//CasareAgent");
    assertThat(svc.update().get(0).subList(2, svc.update().get(0).size()))
        .isEqualTo(svc.install().get(0).subList(2, svc.install().get(0).size()));
    assertThat(svc.uninstall())
        .containsExactly(List.of(HOME + "\\bin\\windows\\amd64\\prunsrv.exe", "//DS//CasareAgent"));
    assertThat(svc.status()).containsExactly(List.of("sc.exe", "queryex", "CasareAgent"));
  }

  @Test
  void built_in_accounts_get_an_empty_password_as_sc_exe_wants() {
    assertThat(service(null, Account.LOCAL_SERVICE).install().get(1))
        .containsExactly(
            "sc.exe",
            "config",
            "CasareAgent",
            "obj=",
            "NT AUTHORITY\\LocalService",
            "password=",
            "");
    assertThat(ProcrunService.account("LocalService")).isEqualTo(Account.LOCAL_SERVICE);
    assertThat(ProcrunService.account("network-service")).isEqualTo(Account.NETWORK_SERVICE);
    assertThatThrownBy(() -> ProcrunService.account("Administrator"))
        .hasMessageContaining("virtual (default), LocalService");
  }

  @Test
  void an_instance_name_that_cannot_be_a_service_or_folder_name_is_refused() {
    assertThatThrownBy(() -> service("a b", Account.VIRTUAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--instance a b");
    assertThatThrownBy(() -> service("..\\x", Account.VIRTUAL))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_service_command_prints_the_windows_commands_on_any_system() {
    CommandLine cli = AgentMain.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));

    int code =
        cli.execute(
            "service",
            "install",
            "--print",
            "--platform",
            "windows",
            "--home",
            HOME,
            "--data-root",
            DATA,
            "--java-home",
            JAVA,
            "--instance",
            "robot2");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("\"" + HOME + "\\bin\\windows\\amd64\\prunsrv.exe\" //IS//CasareAgent-robot2")
        .contains("sc.exe config CasareAgent-robot2 start= delayed-auto");
  }

  @Test
  void the_service_command_wraps_systemctl_on_linux() {
    CommandLine cli = AgentMain.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));

    assertThat(
            cli.execute("service", "install", "--print", "--platform", "linux", "--instance", "r2"))
        .isZero();
    assertThat(cli.execute("service", "status", "--print", "--platform", "linux")).isZero();

    assertThat(out.toString().lines())
        .containsExactly(
            "systemctl daemon-reload",
            "systemctl enable --now casare-agent@r2.service",
            "systemctl status --no-pager casare-agent.service");
  }

  @Test
  void the_service_command_refuses_a_bad_instance_name_with_exit_2() {
    CommandLine cli = AgentMain.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("service", "status", "--print", "--instance", "x/y")).isEqualTo(2);
    assertThat(err.toString()).contains("--instance x/y");
  }
}
