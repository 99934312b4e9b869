package io.vpclab.agent.table;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;

/**
 * Where each value of a parsed document starts, by JSON pointer ({@code /ports/2/mac}), so a
 * problem found after binding can still name its line and column. Built from the token stream,
 * which works the same for JSON and YAML.
 */
final class SourceLocations {

    private final Map<String, int[]> byPointer;

    private SourceLocations(Map<String, int[]> byPointer) {
        this.byPointer = byPointer;
    }

    /** Reads every token of {@code parser}; the parser's own errors propagate with their location. */
    static SourceLocations scan(JsonParser parser) {
        Map<String, int[]> locations = new HashMap<>();
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                continue;
            }
            // a property name and its value share one pointer; the value's position wins
            String pointer = parser.streamReadContext().pathAsPointer().toString();
            if (token == JsonToken.PROPERTY_NAME) {
                locations.putIfAbsent(pointer, position(parser.currentTokenLocation()));
            } else {
                locations.put(pointer, position(parser.currentTokenLocation()));
            }
        }
        return new SourceLocations(locations);
    }

    /**
     * Line and column of the value at {@code pointer}, or of its nearest present ancestor (for
     * a missing field: the object that lacks it); {1, 1} at worst.
     */
    int[] find(String pointer) {
        String at = pointer;
        while (true) {
            int[] found = byPointer.get(at);
            if (found != null) {
                return found;
            }
            if (at.isEmpty()) {
                return new int[] {1, 1};
            }
            at = at.substring(0, at.lastIndexOf('/'));
        }
    }

    static int[] position(TokenStreamLocation location) {
        return location == null ? new int[] {0, 0} : new int[] {location.getLineNr(), location.getColumnNr()};
    }
}
