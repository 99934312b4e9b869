package io.vpclab.controlplane.ec2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The percent-encoding of query strings and form bodies: strict decoding (a broken escape or
 * invalid UTF-8 is a clear 400, never a replacement character) and SigV4's RFC 3986 encoding.
 */
final class QueryText {

    private QueryText() {}

    record Pair(String name, String value) {}

    /** {@code a=1&b=x+y} as decoded pairs in arrival order; empty pieces ({@code a=1&&b}) are skipped. */
    static List<Pair> pairs(String text) {
        List<Pair> pairs = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return pairs;
        }
        for (String piece : text.split("&", -1)) {
            if (piece.isEmpty()) {
                continue;
            }
            int equals = piece.indexOf('=');
            String name = equals < 0 ? piece : piece.substring(0, equals);
            String value = equals < 0 ? "" : piece.substring(equals + 1);
            pairs.add(new Pair(decode(name, true), decode(value, true)));
        }
        return pairs;
    }

    /** A path segment: '+' stays a plus. */
    static String decodePath(String segment) {
        return decode(segment, false);
    }

    private static String decode(String text, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c == '%') {
                int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw malformed("a '%' must be followed by two hexadecimal digits");
                }
                bytes.write(high * 16 + low);
                i += 3;
                continue;
            }
            if (c <= 0xFFFF && Character.isSurrogate((char) c)) {
                throw malformed("the text holds a lone surrogate character");
            }
            if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                bytes.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(c);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("percent-escapes must encode UTF-8");
        }
    }

    /** RFC 3986 as SigV4 wants it: unreserved characters as they are, every other byte as %XX. */
    static String encode(String text) {
        StringBuilder encoded = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                encoded.append((char) c);
            } else {
                encoded.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    private static Ec2Exception malformed(String why) {
        return Ec2Exception.badRequest("MalformedQueryString", "the query string or form body is malformed: " + why);
    }
}
