package io.vpclab.controlplane.system;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Says what is wrong with a request body that could not be read, in the contract's words: the
 * field's JSON path, the JSON type it takes and what was sent, or where the JSON breaks. Never
 * Jackson's own message, which names Java classes.
 */
final class UnreadableBody {

    private static final Map<JsonToken, String> SENT = Map.of(
            JsonToken.VALUE_NUMBER_FLOAT, "a decimal number",
            JsonToken.VALUE_NUMBER_INT, "an integer",
            JsonToken.VALUE_STRING, "a string",
            JsonToken.VALUE_TRUE, "a boolean",
            JsonToken.VALUE_FALSE, "a boolean",
            JsonToken.VALUE_NULL, "null",
            JsonToken.START_OBJECT, "an object",
            JsonToken.START_ARRAY, "an array");

    private UnreadableBody() {}

    static String describe(Throwable cause) {
        if (!(cause instanceof JacksonException json)) {
            return "request body is not valid for this operation";
        }
        String field = path(json.getPath());
        if (json instanceof tools.jackson.core.exc.StreamReadException) {
            return notJson(json);
        }
        Class<?> target = json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                ? mismatch.getTargetType()
                : declaredType(json.getPath());
        if (target != null && !field.isEmpty()) {
            JsonToken token = json instanceof MismatchedInputException mismatch ? mismatch.getCurrentToken() : null;
            String sent = token == null ? null : SENT.get(token);
            return field + " must be " + expected(target) + (sent == null ? "" : ", got " + sent);
        }
        if (!field.isEmpty()) {
            return field + " has a value this operation does not accept";
        }
        return notJson(json);
    }

    private static String notJson(JacksonException json) {
        TokenStreamLocation at = json.getLocation();
        return "request body is not valid JSON for this operation"
                + (at == null || at.getLineNr() < 1
                        ? ""
                        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    /** {@code rules[0].fromPort}: the path as a client would write it. */
    static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : references) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The type of the field the last reference names, when the exception does not say (a failed enum creator). */
    private static Class<?> declaredType(List<JacksonException.Reference> references) {
        if (references.isEmpty()) {
            return null;
        }
        JacksonException.Reference last = references.get(references.size() - 1);
        Object from = last.from();
        Class<?> owner = from instanceof Class<?> type ? type : from == null ? null : from.getClass();
        if (owner == null || last.getPropertyName() == null) {
            return null;
        }
        try {
            return owner.getDeclaredField(last.getPropertyName()).getType();
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class
                || type == int.class
                || type == Long.class
                || type == long.class
                || type == Short.class
                || type == short.class
                || type == java.math.BigInteger.class) {
            return "a JSON integer";
        }
        if (type == Double.class
                || type == double.class
                || type == Float.class
                || type == float.class
                || type == java.math.BigDecimal.class) {
            return "a JSON number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a JSON string";
        }
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "a date-time string (RFC 3339)";
        }
        return "a JSON object";
    }
}
