package com.casarerpa.fleet.workflow.fakes;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.io.Closeable;
import java.util.Map;

/** GreenMail SMTP + IMAP on loopback, free ports, one mailbox {@code robot@localhost}. */
public final class LocalMailServer implements Closeable {
  public static final String ADDRESS = "robot@localhost";
  public static final String USER = "robot";
  public static final String PASSWORD = "mail-secret";

  private final GreenMail mail;

  public LocalMailServer() {
    mail =
        new GreenMail(
            new ServerSetup[] {
              ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()
            });
    mail.start();
    mail.setUser(ADDRESS, USER, PASSWORD);
  }

  public GreenMail greenMail() {
    return mail;
  }

  /** The robot's {@code email} credentials for this server (plain, loopback only). */
  public Map<String, String> credentials() {
    return Map.of(
        "smtp_host",
        "127.0.0.1",
        "smtp_port",
        Integer.toString(mail.getSmtp().getPort()),
        "smtp_security",
        "none",
        "imap_host",
        "127.0.0.1",
        "imap_port",
        Integer.toString(mail.getImap().getPort()),
        "imap_security",
        "none",
        "username",
        USER,
        "password",
        PASSWORD,
        "from",
        ADDRESS);
  }

  @Override
  public void close() {
    mail.stop();
  }
}
