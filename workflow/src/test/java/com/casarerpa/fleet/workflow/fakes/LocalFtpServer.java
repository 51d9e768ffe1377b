package com.casarerpa.fleet.workflow.fakes;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/** An Apache MINA FtpServer on loopback, a free port, one user whose home is {@code root}. */
public final class LocalFtpServer implements Closeable {
  public static final String USER = "robot";
  public static final String PASSWORD = "ftp-secret";

  private final FtpServer server;
  private final int port;

  public LocalFtpServer(Path root) throws FtpException {
    FtpServerFactory factory = new FtpServerFactory();
    ListenerFactory listener = new ListenerFactory();
    listener.setServerAddress("127.0.0.1");
    listener.setPort(0);
    factory.addListener("default", listener.createListener());
    var users = new PropertiesUserManagerFactory().createUserManager();
    BaseUser user = new BaseUser();
    user.setName(USER);
    user.setPassword(PASSWORD);
    user.setHomeDirectory(root.toString());
    user.setAuthorities(List.of(new WritePermission()));
    users.save(user);
    factory.setUserManager(users);
    server = factory.createServer();
    server.start();
    Listener bound = ((org.apache.ftpserver.impl.DefaultFtpServer) server).getListener("default");
    port = bound.getPort();
  }

  public int port() {
    return port;
  }

  /** The robot's {@code ftp} credentials for this server. */
  public Map<String, String> credentials() {
    return Map.of(
        "host",
        "127.0.0.1",
        "port",
        Integer.toString(port),
        "username",
        USER,
        "password",
        PASSWORD);
  }

  @Override
  public void close() {
    server.stop();
  }
}
