package io.vpclab.net;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One record of AWS VPC Flow Logs, version 2 (the default format): the packets and bytes of one
 * flow direction at one interface during one aggregation interval. {@link #line()} writes it as
 * AWS does, space separated in {@link #HEADER} order; {@link #parse} reads that line back and
 * refuses anything else with a message naming the field. A record is {@code log-status OK} (a flow's
 * data), or {@code SKIPDATA} ({@link #skipData(String, String, long, long)}): the interface lost
 * records in the window {@code start..end} (its host's bounded flow table was full), and every flow
 * field is "-", as AWS writes it.
 *
 * @param accountId   the owner (a tenant id here)
 * @param interfaceId the interface (an instance id here: an instance has one)
 * @param start       Unix seconds of the interval's first packet
 * @param end         Unix seconds of its last packet, not before {@code start}
 * @param accepted    ACCEPT, or REJECT (refused by a security group or network ACL); false for SKIPDATA
 * @param skipped     a SKIPDATA record: addresses null, ports, protocol, packets and bytes 0
 */
public record FlowLogRecord(
        String accountId,
        String interfaceId,
        Ipv4Address srcaddr,
        Ipv4Address dstaddr,
        int srcport,
        int dstport,
        int protocol,
        long packets,
        long bytes,
        long start,
        long end,
        boolean accepted,
        boolean skipped) {

    public static final int VERSION = 2;

    /** The header line of the text format: the field names in order. */
    public static final String HEADER =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private static final int FIELDS = 14;
    /** Ids as this server and AWS write them: no spaces, no control characters. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    /** Unix seconds up to the year 9999, so a garbled number is refused rather than stored. */
    private static final long MAX_SECONDS = 253_402_300_799L;

    public FlowLogRecord {
        require(accountId != null && ID.matcher(accountId).matches(), "account-id", accountId);
        require(interfaceId != null && ID.matcher(interfaceId).matches(), "interface-id", interfaceId);
        require(start >= 0 && start <= MAX_SECONDS, "start", start);
        require(end >= start && end <= MAX_SECONDS, "end", end);
        if (skipped) {
            require(srcaddr == null && dstaddr == null, "srcaddr", "a SKIPDATA record has no addresses");
            require(
                    srcport == 0 && dstport == 0 && protocol == 0 && packets == 0 && bytes == 0 && !accepted,
                    "packets",
                    "a SKIPDATA record has no flow fields");
        } else {
            Objects.requireNonNull(srcaddr, "srcaddr");
            Objects.requireNonNull(dstaddr, "dstaddr");
            require(srcport >= 0 && srcport <= 65535, "srcport", srcport);
            require(dstport >= 0 && dstport <= 65535, "dstport", dstport);
            require(protocol >= 0 && protocol <= 255, "protocol", protocol);
            require(packets >= 1, "packets", packets);
            require(bytes >= 0, "bytes", bytes);
        }
    }

    /** A record of a flow's data ({@code log-status OK}). */
    public FlowLogRecord(
            String accountId,
            String interfaceId,
            Ipv4Address srcaddr,
            Ipv4Address dstaddr,
            int srcport,
            int dstport,
            int protocol,
            long packets,
            long bytes,
            long start,
            long end,
            boolean accepted) {
        this(
                accountId,
                interfaceId,
                srcaddr,
                dstaddr,
                srcport,
                dstport,
                protocol,
                packets,
                bytes,
                start,
                end,
                accepted,
                false);
    }

    /** The SKIPDATA record of an interface that lost records during {@code start..end}. */
    public static FlowLogRecord skipData(String accountId, String interfaceId, long start, long end) {
        return new FlowLogRecord(accountId, interfaceId, null, null, 0, 0, 0, 0, 0, start, end, false, true);
    }

    /** The record as one line of the text format (no line break). */
    public String line() {
        if (skipped) {
            return VERSION + " " + accountId + " " + interfaceId + " - - - - - - - " + start + " " + end
                    + " - SKIPDATA";
        }
        return VERSION + " " + accountId + " " + interfaceId + " " + srcaddr + " " + dstaddr + " " + srcport + " "
                + dstport + " " + protocol + " " + packets + " " + bytes + " " + start + " " + end + " "
                + (accepted ? "ACCEPT" : "REJECT") + " OK";
    }

    /**
     * Reads one line of the text format strictly: 14 fields separated by single spaces, version 2,
     * dotted-quad addresses, decimal numbers without signs or leading zeros, action ACCEPT or REJECT, status OK;
     * or a SKIPDATA record, every flow field and the action "-".
     *
     * @throws IllegalArgumentException naming the first field that is wrong
     */
    public static FlowLogRecord parse(String line) {
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("the record is empty");
        }
        String[] fields = line.split(" ", -1);
        if (fields.length != FIELDS) {
            throw new IllegalArgumentException("a record has " + FIELDS + " fields separated by single spaces ("
                    + HEADER + "), got " + fields.length);
        }
        if (!String.valueOf(VERSION).equals(fields[0])) {
            throw new IllegalArgumentException("version must be " + VERSION + ", got '" + shown(fields[0]) + "'");
        }
        if ("SKIPDATA".equals(fields[13])) {
            for (int i : new int[] {3, 4, 5, 6, 7, 8, 9, 12}) {
                if (!"-".equals(fields[i])) {
                    throw new IllegalArgumentException(
                            "log-status SKIPDATA has '-' as field " + (i + 1) + ", got '" + shown(fields[i]) + "'");
                }
            }
            return skipData(
                    fields[1],
                    fields[2],
                    number("start", fields[10], MAX_SECONDS),
                    number("end", fields[11], MAX_SECONDS));
        }
        boolean accepted = switch (fields[12]) {
            case "ACCEPT" -> true;
            case "REJECT" -> false;
            default ->
                throw new IllegalArgumentException("action must be ACCEPT or REJECT, got '" + shown(fields[12]) + "'");
        };
        if (!"OK".equals(fields[13])) {
            throw new IllegalArgumentException("log-status must be OK or SKIPDATA, got '" + shown(fields[13]) + "'");
        }
        return new FlowLogRecord(
                fields[1],
                fields[2],
                address("srcaddr", fields[3]),
                address("dstaddr", fields[4]),
                (int) number("srcport", fields[5], 65535),
                (int) number("dstport", fields[6], 65535),
                (int) number("protocol", fields[7], 255),
                number("packets", fields[8], Long.MAX_VALUE),
                number("bytes", fields[9], Long.MAX_VALUE),
                number("start", fields[10], MAX_SECONDS),
                number("end", fields[11], MAX_SECONDS),
                accepted);
    }

    private static Ipv4Address address(String field, String text) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    private static long number(String field, String text, long max) {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(field + " must be a decimal number, got '" + shown(text) + "'");
        }
        if (text.length() > 1 && text.charAt(0) == '0') {
            throw new IllegalArgumentException(field + " must have no leading zeros, got '" + shown(text) + "'");
        }
        long value = Long.parseLong(text);
        if (value > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + ", got " + text);
        }
        return value;
    }

    private static void require(boolean valid, String field, Object value) {
        if (!valid) {
            throw new IllegalArgumentException(
                    "invalid " + field + ": '" + (value == null ? "null" : shown(value.toString())) + "'");
        }
    }

    /** At most 40 printable characters of a bad field, so an error never echoes a whole garbled body. */
    private static String shown(String text) {
        String printable = text.codePoints()
                .map(c -> c < 0x20 || c == 0x7F ? '?' : c)
                .limit(40)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return text.length() > 40 ? printable + "..." : printable;
    }
}
