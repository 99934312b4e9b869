package io.vpclab.topology;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;

/**
 * Where each value of a parsed document starts, by JSON pointer ("/tenants/0/vpcs/1/cidrBlock"),
 * so that a problem found in the tree (schema, references, CIDRs) can be reported at its line
 * and column. A property is located at its key, which is where a reader looks.
 */
final class SourceLocations {

    private final Map<String, TokenStreamLocation> byPointer = new HashMap<>();

    /** Reads the whole token stream; the parser's own exceptions reach the caller. */
    static SourceLocations read(JsonParser parser) {
        SourceLocations locations = new SourceLocations();
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
            if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                continue;
            }
            String pointer = parser.streamReadContext().pathAsPointer().toString();
            locations.byPointer.putIfAbsent(pointer, parser.currentTokenLocation());
        }
        return locations;
    }

    /** The problem at the pointer, or at its nearest located parent. */
    TopologyProblem problem(String pointer, String message) {
        String at = pointer;
        while (true) {
            TokenStreamLocation location = byPointer.get(at);
            if (location != null || at.isEmpty()) {
                int line = location == null ? 1 : Math.max(1, location.getLineNr());
                int column = location == null ? 1 : Math.max(1, location.getColumnNr());
                return new TopologyProblem(line, column, pointer, message);
            }
            at = at.substring(0, at.lastIndexOf('/'));
        }
    }
}
