package io.vpclab.controlplane.ec2;

import java.util.ArrayDeque;
import java.util.Deque;

/** Writes EC2's XML: responses in the 2016-11-15 namespace and the {@code <Response><Errors>} shape. */
final class Ec2Xml {

    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private final StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private final Deque<String> open = new ArrayDeque<>();

    private Ec2Xml() {}

    /** {@code <ActionResponse xmlns=...><requestId>..</requestId>}; the caller adds the rest. */
    static Ec2Xml response(String action, String requestId) {
        Ec2Xml response = new Ec2Xml();
        response.xml
                .append('<')
                .append(action)
                .append("Response xmlns=\"")
                .append(NAMESPACE)
                .append("\">");
        response.open.push(action + "Response");
        return response.field("requestId", requestId);
    }

    static String error(String code, String message, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + escape(code)
                + "</Code><Message>" + escape(message) + "</Message></Error></Errors><RequestID>"
                + escape(requestId) + "</RequestID></Response>";
    }

    Ec2Xml open(String name) {
        xml.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    Ec2Xml close() {
        xml.append("</").append(open.pop()).append('>');
        return this;
    }

    /** {@code <name>value</name>}, or nothing when the value is null (EC2 omits absent fields). */
    Ec2Xml field(String name, Object value) {
        if (value != null) {
            xml.append('<')
                    .append(name)
                    .append('>')
                    .append(escape(value.toString()))
                    .append("</")
                    .append(name)
                    .append('>');
        }
        return this;
    }

    String finish() {
        while (!open.isEmpty()) {
            close();
        }
        return xml.toString();
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> {
                    // XML 1.0 cannot carry most control characters even escaped: drop them.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
