package io.vpclab.topology;

import java.util.List;
import java.util.stream.Collectors;

/** A topology file was refused before any API call; every problem found is listed, in file order. */
public final class InvalidTopologyException extends Exception {

    private final transient List<TopologyProblem> problems;

    public InvalidTopologyException(String source, List<TopologyProblem> problems) {
        super(source + ": " + problems.stream().map(TopologyProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<TopologyProblem> problems() {
        return problems;
    }
}
