package io.tasklane.notifier.sessions;

public class ChannelNotFoundException extends RuntimeException {

  public ChannelNotFoundException(String channel, String sessionKey) {
    super("Session " + sessionKey + " has no " + channel + " channel");
  }
}
