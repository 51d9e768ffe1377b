package com.casarerpa.fleet.workflow.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Connection;
import okhttp3.Dns;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Keeps workflow HTTP away from the robot's own network: loopback, link-local, private (RFC 1918,
 * unique local IPv6), carrier-grade NAT, unspecified and multicast addresses are refused unless an
 * allowlist entry covers them (as RunCommand is opt-in).
 *
 * <p>Two checks, so that DNS rebinding cannot slip past: the {@link Dns} resolves a name once and
 * keeps only allowed addresses (OkHttp connects to exactly those), and a network interceptor checks
 * the address of the socket actually connected (which also covers IP-literal URLs, for which OkHttp
 * does not ask the {@code Dns}, and every redirect hop).
 */
public final class InternalAddressPolicy implements Dns {
  private static final List<AddressRange> INTERNAL =
      List.of(
          AddressRange.parse("0.0.0.0/8"),
          AddressRange.parse("100.64.0.0/10"),
          AddressRange.parse("192.0.0.0/24"),
          AddressRange.parse("198.18.0.0/15"),
          AddressRange.parse("fc00::/7"));

  private final List<AddressRange> allowed;
  private final Dns resolver;

  public InternalAddressPolicy(List<AddressRange> allowed) {
    this(allowed, Dns.SYSTEM);
  }

  InternalAddressPolicy(List<AddressRange> allowed, Dns resolver) {
    this.allowed = List.copyOf(allowed);
    this.resolver = resolver;
  }

  /**
   * Parses an allowlist such as {@code 127.0.0.1,10.0.0.0/8}; blank means none.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static InternalAddressPolicy parse(String allowlist) {
    List<AddressRange> ranges = new ArrayList<>();
    if (allowlist != null) {
      for (String entry : allowlist.split(",")) {
        if (!entry.isBlank()) {
          ranges.add(AddressRange.parse(entry));
        }
      }
    }
    return new InternalAddressPolicy(ranges);
  }

  /** This policy resolving names with {@code dns} (the system resolver by default). */
  public InternalAddressPolicy withResolver(Dns dns) {
    return new InternalAddressPolicy(allowed, dns);
  }

  /** {@code client} with this policy on every connection it makes. */
  public OkHttpClient apply(OkHttpClient client) {
    return client.newBuilder().dns(this).addNetworkInterceptor(this::checkConnected).build();
  }

  /** True when workflow HTTP may connect to {@code address}. */
  public boolean permits(InetAddress address) {
    return !internal(address) || allowed.stream().anyMatch(r -> r.contains(address));
  }

  static boolean internal(InetAddress a) {
    return a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isAnyLocalAddress()
        || a.isMulticastAddress()
        || INTERNAL.stream().anyMatch(r -> r.contains(a));
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    List<InetAddress> resolved = resolver.lookup(hostname);
    List<InetAddress> kept = resolved.stream().filter(this::permits).toList();
    if (kept.isEmpty()) {
      throw new UnknownHostException(
          refusal(hostname + " (" + resolved.get(0).getHostAddress() + ")"));
    }
    return kept;
  }

  private Response checkConnected(Interceptor.Chain chain) throws IOException {
    Connection connection = chain.connection();
    if (connection != null) {
      InetSocketAddress target = connection.route().socketAddress();
      InetAddress address = target.getAddress();
      if (address != null && !permits(address)) {
        throw new IOException(
            refusal(chain.request().url().host() + " (" + address.getHostAddress() + ")"));
      }
    }
    return chain.proceed(chain.request());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InternalAddressPolicy other
        && other.resolver == resolver
        && other.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return allowed.isEmpty()
        ? "none"
        : String.join(",", allowed.stream().map(AddressRange::toString).toList());
  }

  /** Whether {@code e} is this policy's refusal (its message names the address, never a URL). */
  public static boolean isRefusal(IOException e) {
    return e.getMessage() != null && e.getMessage().startsWith(REFUSAL_PREFIX);
  }

  private static final String REFUSAL_PREFIX = "workflow HTTP to ";

  private static String refusal(String target) {
    return REFUSAL_PREFIX
        + target
        + " is refused: it is a loopback, link-local or private address; add it to"
        + " WORKFLOW_HTTP_ALLOW (e.g. 127.0.0.1 or 10.0.0.0/8) to allow it";
  }
}
