package io.tasklane.testsupport;

import java.util.List;

/**
 * Spellings of loopback and other local addresses that a check of caller-chosen URLs must refuse
 * (with {@code 127.0.0.1} allow-listed as written): each one reaches a {@link LoopbackListener} if
 * it gets through. A parameter source for {@code @MethodSource}.
 */
public final class LocalAddressSpellings {

  private LocalAddressSpellings() {}

  public static List<String> all() {
    return List.of(
        "0177.0.0.1", // octal first part
        "0x7f.0.0.1", // hex first part
        "0x7f000001", // one hex number
        "0x7f.1", // hex and a 24-bit rest
        "127.1", // short form
        "127.0.1", // short form with a 16-bit rest
        "2130706433", // one decimal number
        "017700000001", // one octal number
        "127.000.000.001", // leading zeros
        "0127.0.0.01", // leading zeros read as octal by some parsers
        "127.0.0.1.", // trailing dot, not allow-listed as such
        "localhost", // a name that resolves to loopback
        "[::1]",
        "[::127.0.0.1]", // IPv4-compatible
        "[::ffff:127.0.0.1]", // IPv4-mapped
        "[::ffff:7f00:1]", // IPv4-mapped in hex
        "[0:0:0:0:0:ffff:127.0.0.1]",
        "[64:ff9b::127.0.0.1]", // NAT64
        "[64:ff9b::a00:1]", // NAT64 of 10.0.0.1
        "[2002:7f00:1::]", // 6to4 of 127.0.0.1
        "[2002:a9fe:a9fe::1]", // 6to4 of 169.254.169.254
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]", // Teredo, client 127.0.0.1
        "[fe80::1]",
        "[fd00::1]");
  }
}
