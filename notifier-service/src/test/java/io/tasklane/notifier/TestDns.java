package io.tasklane.notifier;

import io.tasklane.contracts.PublicAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The name lookups the notifier makes for webhook hosts: names a test has set answer what the test
 * says (and may change between two lookups, as a rebinding DNS server would), every other name goes
 * to the system resolver. Counts the lookups of each name.
 */
public final class TestDns {

  private static final Map<String, InetAddress[]> answers = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

  private TestDns() {}

  /** From now on {@code name} resolves to {@code addresses}. */
  public static void answer(String name, String... addresses) {
    InetAddress[] resolved = new InetAddress[addresses.length];
    for (int i = 0; i < addresses.length; i++) {
      try {
        resolved[i] = InetAddress.getByName(addresses[i]);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(e);
      }
    }
    answers.put(name, resolved);
  }

  public static int lookups(String name) {
    return lookups.computeIfAbsent(name, n -> new AtomicInteger()).get();
  }

  static InetAddress[] lookup(String name) throws UnknownHostException {
    lookups.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    InetAddress[] answer = answers.get(name);
    return answer != null ? answer.clone() : InetAddress.getAllByName(name);
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Config {
    @Bean
    PublicAddresses.Resolver testDns() {
      return TestDns::lookup;
    }
  }
}
