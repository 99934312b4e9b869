package io.vpclab.client.document;

import java.util.Objects;
import tools.jackson.core.TokenStreamLocation;

/**
 * One reason a document is refused: where (1-based line and column, 0 when the document has
 * no text, e.g. a table pushed over the stream; and the JSON pointer of the offending value,
 * "" for the whole document) and why.
 */
public record DocumentProblem(int line, int column, String pointer, String message) {

    public DocumentProblem {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
        line = Math.max(0, line);
        column = Math.max(0, column);
    }

    /** A problem found in a document without source text: the pointer says where. */
    public static DocumentProblem at(String pointer, String message) {
        return new DocumentProblem(0, 0, pointer, message);
    }

    /** A problem at a parser's location (unknown parts of it become 0). */
    public static DocumentProblem at(TokenStreamLocation location, String pointer, String message) {
        return location == null
                ? at(pointer, message)
                : new DocumentProblem(location.getLineNr(), location.getColumnNr(), pointer, message);
    }

    /** The same problem placed at {@code line} and {@code column}. */
    public DocumentProblem locatedAt(int line, int column) {
        return new DocumentProblem(line, column, pointer, message);
    }

    @Override
    public String toString() {
        String where = line == 0 ? "" : "line " + line + (column == 0 ? "" : ", column " + column);
        String path = pointer.isEmpty() ? "" : where.isEmpty() ? pointer : " (" + pointer + ")";
        String prefix = where + path;
        return prefix.isEmpty() ? message : prefix + ": " + message;
    }
}
