package com.casarerpa.fleet.workflow.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** One address or CIDR block ({@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code fd00::/8}). */
public record AddressRange(byte[] network, int prefix) {
  /**
   * Parses {@code text}: an IP literal, optionally with {@code /prefix}. Host names are refused
   * (they would be resolved here, once, and could change).
   */
  public static AddressRange parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (address.isEmpty()
        || !(address.contains(":")
            || address.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an IP address or CIDR block (e.g. 127.0.0.1 or 10.0.0.0/8)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address.replace("[", "").replace("]", "")).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
    }
    int max = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has a bad prefix length", e);
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("'" + text + "': prefix must be 0.." + max);
    }
    return new AddressRange(bytes, prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return "?/" + prefix;
    }
  }
}
