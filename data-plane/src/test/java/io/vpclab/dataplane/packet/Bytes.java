package io.vpclab.dataplane.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/** Test vectors written as annotated hex: everything that is not a hex digit is a comment or separator. */
final class Bytes {

    private Bytes() {}

    /** Hex digits only count; "|" and words in parentheses are annotations. */
    static byte[] hex(String annotated) {
        String digits = annotated.replaceAll("\\([^)]*\\)", "").replaceAll("[^0-9a-fA-F]", "");
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    static ByteBuf buf(String annotated) {
        return Unpooled.wrappedBuffer(hex(annotated));
    }

    /** The first {@code length} bytes in a buffer of exactly that capacity: any read past them throws. */
    static ByteBuf truncated(byte[] bytes, int length) {
        return Unpooled.wrappedBuffer(Arrays.copyOf(bytes, length));
    }
}
