package com.casarerpa.fleet.agent.supabase;

/**
 * What a channel join asks for.
 *
 * @param presenceKey this client's presence key, or null for a random one
 * @param receivePresence whether to receive others' presence state and diffs
 */
public record ChannelOptions(String presenceKey, boolean receivePresence) {
  /** Broadcast only. */
  public static final ChannelOptions BROADCAST = new ChannelOptions(null, false);

  public static ChannelOptions presence(String key, boolean receive) {
    return new ChannelOptions(key, receive);
  }
}
