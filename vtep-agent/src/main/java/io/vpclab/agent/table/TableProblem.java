package io.vpclab.agent.table;

/**
 * One reason a table file is refused, at the line and column (1-based; 0 when unknown) of the
 * offending value, with its path in the document ({@code ports[2].mac}).
 */
public record TableProblem(int line, int column, String path, String reason) {

    @Override
    public String toString() {
        String where = line > 0 ? "line " + line + (column > 0 ? ", column " + column : "") : "unknown position";
        return where + ": " + (path.isEmpty() ? "" : path + ": ") + reason;
    }
}
