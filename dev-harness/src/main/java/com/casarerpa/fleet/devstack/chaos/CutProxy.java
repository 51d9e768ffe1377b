package com.casarerpa.fleet.devstack.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of the stack that can be cut (every connection dropped, new ones
 * refused) and restored on the same port: the backend away, as a robot sees it.
 */
public final class CutProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  public CutProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = bind(0);
    this.port = server.getLocalPort();
    accept(server);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Drops every connection and refuses new ones. */
  public synchronized void cut() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** Accepts connections again, on the same port. */
  public synchronized void restore() throws IOException {
    server = bind(port);
    accept(server);
  }

  @Override
  public synchronized void close() throws IOException {
    cut();
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket listening) {
    Thread.ofVirtual()
        .name("cut-proxy-accept")
        .start(
            () -> {
              while (!listening.isClosed()) {
                try {
                  Socket client = listening.accept();
                  Socket upstream;
                  try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  } catch (IOException e) {
                    close(client);
                    continue;
                  }
                  sockets.add(client);
                  sockets.add(upstream);
                  pipe(client, upstream);
                  pipe(upstream, client);
                } catch (IOException e) {
                  // closed by cut(), or the upstream refused: the client sees a dropped connection
                }
              }
            });
  }

  private void pipe(Socket from, Socket to) {
    Thread.ofVirtual()
        .name("cut-proxy-pipe")
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                }
              } catch (IOException e) {
                // either side closed
              } finally {
                close(from);
                close(to);
              }
            });
  }

  private void close(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
