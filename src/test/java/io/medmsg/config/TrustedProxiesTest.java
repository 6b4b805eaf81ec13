package io.medmsg.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** medmsg.trusted-proxies: addresses and CIDR ranges, IPv4 and IPv6; nothing else, and no one by default. */
class TrustedProxiesTest {

    @Test
    void emptyTrustsNoOne() {
        assertThat(TrustedProxies.of(List.of()).trusts("127.0.0.1")).isFalse();
        assertThat(TrustedProxies.of(null).trusts("10.0.0.1")).isFalse();
    }

    @Test
    void addressesAndRangesAreMatchedBitByBit() {
        TrustedProxies trusted = TrustedProxies.of(List.of("10.1.2.3", "192.168.0.0/23", "fd00::/8", " ::1 "));
        assertThat(trusted.trusts("10.1.2.3")).isTrue();
        assertThat(trusted.trusts("10.1.2.4")).isFalse();
        assertThat(trusted.trusts("192.168.1.255")).isTrue();
        assertThat(trusted.trusts("192.168.2.0")).isFalse();
        assertThat(trusted.trusts("fd12:3456::1")).isTrue();
        assertThat(trusted.trusts("[::1]")).isTrue();
        assertThat(trusted.trusts("fe80::1%lo")).isFalse();
        assertThat(trusted.trusts("::ffff:10.1.2.3")).as("IPv4-mapped").isTrue();
        assertThat(trusted.trusts("unknown")).isFalse();
        assertThat(trusted.trusts(null)).isFalse();
    }

    @Test
    void anEntryThatIsNoAddressOrRangeIsRefusedNamingTheSetting() {
        for (String bad : List.of("proxy.internal", "10.0.0.256", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "10.0.0")) {
            assertThatThrownBy(() -> TrustedProxies.of(List.of(bad))).as(bad)
                    .hasMessageContaining("medmsg.trusted-proxies").hasMessageContaining(bad);
        }
    }
}
