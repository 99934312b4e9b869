package io.vpclab.topology;

/**
 * One reason a topology file is refused: where (1-based line and column, and the JSON pointer of
 * the value, "" for the whole document) and why.
 */
public record TopologyProblem(int line, int column, String path, String message) {

    @Override
    public String toString() {
        return "line " + line + ", column " + column + (path.isEmpty() ? "" : " (" + path + ")") + ": " + message;
    }
}
