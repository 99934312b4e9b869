package io.vpclab.client.document;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;

/**
 * Where each value of a parsed document starts, by JSON pointer ({@code /ports/2/mac}), so that
 * a problem found after binding (schema, references, CIDRs) can still name its line and column.
 * Built from the token stream, which works the same for JSON and YAML. A property is located at
 * its key, which is where a reader looks (for an unknown key, and for an object or list value
 * that starts on the next line); a list element at its value.
 */
public final class SourceLocations {

    private final Map<String, TokenStreamLocation> byPointer = new HashMap<>();

    private SourceLocations() {}

    /** Reads every token of {@code parser}; the parser's own exceptions reach the caller. */
    public static SourceLocations read(JsonParser parser) {
        SourceLocations locations = new SourceLocations();
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                continue;
            }
            String pointer = parser.streamReadContext().pathAsPointer().toString();
            locations.byPointer.putIfAbsent(pointer, parser.currentTokenLocation());
        }
        return locations;
    }

    /** The problem at the pointer's value, or at its nearest located parent (for a missing field: the object that lacks it). */
    public DocumentProblem problem(String pointer, String message) {
        String at = pointer;
        while (true) {
            TokenStreamLocation location = byPointer.get(at);
            if (location != null || at.isEmpty()) {
                int line = location == null ? 1 : Math.max(1, location.getLineNr());
                int column = location == null ? 1 : Math.max(1, location.getColumnNr());
                return new DocumentProblem(line, column, pointer, message);
            }
            int parent = at.lastIndexOf('/');
            at = parent < 0 ? "" : at.substring(0, parent);
        }
    }

    /** {@code problem} placed at its line and column in this document. */
    public DocumentProblem locate(DocumentProblem problem) {
        return problem(problem.pointer(), problem.message());
    }
}
