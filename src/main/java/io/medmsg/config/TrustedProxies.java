package io.medmsg.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The addresses whose forwarded headers ({@code Forwarded}, {@code X-Forwarded-*}) are believed:
 * {@code medmsg.trusted-proxies}, IP addresses and CIDR ranges, IPv4 or IPv6. Empty trusts no
 * one. Only literals are accepted, so neither start-up nor a request ever waits for DNS.
 */
public record TrustedProxies(List<Range> ranges) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    /** Parses the setting's entries; an entry that is no address or range stops start-up, naming it. */
    public static TrustedProxies of(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            if (entry != null && !entry.isBlank()) {
                ranges.add(Range.parse(entry.strip()));
            }
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether the peer at {@code address} (an IP literal, as a servlet request's remote address) is trusted. */
    public boolean trusts(String address) {
        if (ranges.isEmpty() || address == null) {
            return false;
        }
        String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        int zone = bare.indexOf('%');
        byte[] bytes = literal(zone < 0 ? bare : bare.substring(0, zone));
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /** An address and how many of its leading bits must match. */
    public record Range(byte[] network, int prefix) {

        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (network == null) {
                throw invalid(entry);
            }
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(entry);
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw invalid(entry);
                }
            }
            return new Range(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            if (!Arrays.equals(address, 0, full, network, 0, full)) {
                return false;
            }
            int rest = prefix % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && prefix == r.prefix && Arrays.equals(network, r.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
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

    /** The bytes of an IPv4 or IPv6 literal (an IPv4-mapped IPv6 address gives 4), else null; never DNS. */
    private static byte[] literal(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (v4) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        } else if (!IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            // a string of only these characters with a colon, or a dotted quad, is parsed, not looked up
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static IllegalStateException invalid(String entry) {
        return new IllegalStateException("medmsg.trusted-proxies (MEDMSG_TRUSTED_PROXIES): \"" + entry
                + "\" is not an IP address or CIDR range such as 10.0.0.5, 10.0.0.0/8 or fd00::/8");
    }
}
