package io.vpclab.agent.table;

import io.vpclab.client.document.DocumentProblem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A forwarding table was refused, from a file or from the stream; nothing of it was applied.
 * Carries every problem found, in document order, each with its JSON pointer (and, for a file,
 * its line and column). The one exception of a refused table: it is an
 * {@link IllegalArgumentException} so that {@code TableApplier}'s contract holds without wrapping.
 */
public final class TableRefusedException extends IllegalArgumentException {

    private final String source;
    private final transient List<DocumentProblem> problems;

    public TableRefusedException(String source, List<DocumentProblem> problems) {
        super(source + ": table refused:\n"
                + problems.stream().map(p -> "  " + source + ": " + p).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a refusal needs at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    public List<DocumentProblem> problems() {
        return problems;
    }

    /** The first problem, which is what a one-line error report shows. */
    public DocumentProblem first() {
        return problems.get(0);
    }
}
