package io.tasklane.runner.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasklane.contracts.PublicAddresses;
import io.tasklane.runner.RunnerProperties;
import io.tasklane.testsupport.LoopbackListener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code http_fetch} against a real listener on every local address: each spelling of a loopback
 * address must be refused before anything connects, so the listener's accept count stays 0.
 */
@Tag("fast")
class HttpFetchAddressTests {

  private static final LoopbackListener LISTENER = LoopbackListener.start();
  private static final int PORT = LISTENER.port();
  private static final LoopbackListener ALLOWED = LoopbackListener.start();

  @AfterAll
  static void stop() {
    LISTENER.close();
    ALLOWED.close();
  }

  private static HttpFetchTool tool(List<String> allowedHosts, PublicAddresses.Resolver resolver) {
    return new HttpFetchTool(
        new RunnerProperties.HttpFetch(allowedHosts, Duration.ofSeconds(10), 262144, 5), resolver);
  }

  private static ToolResult fetch(HttpFetchTool tool, String url) throws InterruptedException {
    return tool.run(Map.of("url", url), null);
  }

  @ParameterizedTest
  @MethodSource("io.tasklane.testsupport.LocalAddressSpellings#all")
  void everySpellingOfALocalAddressIsRefusedAndNothingConnects(String host) throws Exception {
    ToolResult result =
        fetch(tool(List.of("127.0.0.1"), InetAddress::getAllByName), url(host, "/"));

    assertThat(result.error()).isTrue();
    assertThat(result.output()).startsWith("http_fetch refused");
    assertThat(LISTENER.accepted()).isZero();
  }

  @Test
  void theRefusalSaysWhatWasWrong() throws Exception {
    HttpFetchTool tool = tool(List.of(), InetAddress::getAllByName);

    assertThat(fetch(tool, url("0177.0.0.1", "/")).output())
        .contains("not a canonical IPv4 address");
    assertThat(fetch(tool, url("127.1", "/")).output()).contains("not a canonical IPv4 address");
    assertThat(fetch(tool, url("[::127.0.0.1]", "/")).output())
        .contains("loopback (embedded in IPv6)");
    assertThat(fetch(tool, url("localhost", "/")).output())
        .contains("resolves to 127.0.0.1, a loopback address");
    assertThat(fetch(tool, "http://169.254.169.254/latest/meta-data/").output())
        .contains("link-local");
    assertThat(fetch(tool, "http://metadata.google.internal/").output())
        .contains("cloud metadata endpoints are blocked");
    assertThat(LISTENER.accepted()).isZero();
  }

  @Test
  void aNameIsResolvedOnceAndEveryAnswerIsChecked() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    PublicAddresses.Resolver rebinding =
        name -> {
          lookups.incrementAndGet();
          return new InetAddress[] {
            InetAddress.getByName("93.184.215.14"), InetAddress.getByName("127.0.0.1")
          };
        };

    ToolResult result = fetch(tool(List.of(), rebinding), url("public.example", "/"));

    assertThat(result.output()).contains("resolves to 127.0.0.1, a loopback address");
    assertThat(lookups).hasValue(1);
    assertThat(LISTENER.accepted()).isZero();
  }

  @Test
  void anAllowListedNameGetsThroughToTheAddressItWasCheckedAtWithItsOwnHostHeader()
      throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    PublicAddresses.Resolver resolver =
        name -> {
          lookups.incrementAndGet();
          if (!name.equals("hooks.internal")) {
            throw new UnknownHostException(name);
          }
          return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        };
    int before = ALLOWED.accepted();

    ToolResult result =
        fetch(
            tool(List.of("hooks.internal"), resolver),
            "http://hooks.internal:" + ALLOWED.port() + "/");

    assertThat(result).isEqualTo(ToolResult.ok("HTTP 200\nloopback reply"));
    assertThat(lookups).hasValue(1);
    assertThat(ALLOWED.accepted()).isEqualTo(before + 1);
    assertThat(ALLOWED.hostHeaders()).last().isEqualTo("hooks.internal:" + ALLOWED.port());
  }

  @Test
  void aRedirectToAnotherSpellingOfLoopbackIsCheckedAgainAndRefused() throws Exception {
    int before = ALLOWED.accepted();

    ToolResult result =
        fetch(
            tool(List.of("127.0.0.1"), InetAddress::getAllByName),
            "http://127.0.0.1:" + ALLOWED.port() + "/redirect?to=" + url("0x7f000001", "/secret"));

    assertThat(result.error()).isTrue();
    assertThat(result.output())
        .startsWith("http_fetch refused http://0x7f000001:" + PORT + "/secret");
    assertThat(ALLOWED.accepted()).isEqualTo(before + 1);
    assertThat(LISTENER.accepted()).isZero();
  }

  private static String url(String host, String path) {
    return "http://" + host + ":" + PORT + path;
  }
}
