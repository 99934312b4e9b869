package io.vpclab.agent.table;

import io.vpclab.client.document.DocumentProblem;
import java.util.List;
import java.util.stream.Collectors;

/** A table file was refused; nothing of it was applied. Carries every problem found, in document order. */
public final class TableFileException extends RuntimeException {

    private final String source;
    private final List<DocumentProblem> problems;

    public TableFileException(String source, List<DocumentProblem> problems) {
        super(source + ": table refused:\n" + problems.stream().map(p -> "  " + source + ": " + p)
                .collect(Collectors.joining("\n")));
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
