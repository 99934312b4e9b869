package io.vpclab.topology;

import io.vpclab.client.document.DocumentProblem;
import java.util.List;
import java.util.stream.Collectors;

/** A topology file was refused before any API call; every problem found is listed, in file order. */
public final class InvalidTopologyException extends Exception {

    private final transient List<DocumentProblem> problems;

    public InvalidTopologyException(String source, List<DocumentProblem> problems) {
        super(source + ": " + problems.stream().map(DocumentProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<DocumentProblem> problems() {
        return problems;
    }
}
