package io.vpclab.controlplane.system;

/** The one rule for a resource's free-text name: at most a given length, no control characters. */
public final class Names {

    private Names() {}

    /** Refuses {@code value} (null passes: no name) with 400 InvalidParameterValue naming {@code field}. */
    public static void requirePrintable(String field, String value, int maxLength) {
        if (value != null && (value.length() > maxLength || value.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.invalidParameter(field + " must be at most " + maxLength + " printable characters");
        }
    }
}
