package io.vpclab.topology;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.document.SourceLocations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a topology file (YAML, and so JSON) and refuses a bad one with the line, column and
 * reason of every problem, in four passes: YAML syntax, the JSON schema
 * (topology-samples/topology.schema.json), then names and references, then CIDR arithmetic (also
 * after schema problems, where the file still binds, so one run shows everything). Only
 * {@link InvalidTopologyException} leaves this class for bad input.
 */
public final class TopologyParser {

    /** A topology is a page or two; a megabyte is a mistake or an attack. */
    public static final int MAX_CHARS = 1 << 20;

    private static final int MAX_NESTING = 32;

    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxStringLength(MAX_CHARS)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Schema SCHEMA = loadSchema();

    private TopologyParser() {}

    /** Parses and checks; {@code source} names the file in messages. */
    public static Topology parse(String text, String source) throws InvalidTopologyException {
        if (text.length() > MAX_CHARS) {
            throw refused(
                    source, new DocumentProblem(1, 1, "", "the file is larger than " + MAX_CHARS + " characters"));
        }
        SourceLocations locations;
        JsonNode tree;
        try {
            try (JsonParser parser = MAPPER.createParser(text)) {
                locations = SourceLocations.read(parser);
            }
            tree = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw refused(source, syntaxProblem(e));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw refused(source, new DocumentProblem(1, 1, "", "the file is empty: a topology needs at least a name"));
        }
        List<DocumentProblem> problems = schemaProblems(tree, locations);
        if (!problems.isEmpty()) {
            throw refused(source, withReferenceProblems(problems, tree, locations));
        }
        Topology topology;
        try {
            topology = MAPPER.treeToValue(tree, Topology.class);
        } catch (JacksonException e) {
            // The schema admits only what binds; reaching here means the two disagree.
            throw new IllegalStateException("schema and model disagree: " + e.getOriginalMessage(), e);
        }
        problems = new TopologyChecks(topology, locations).problems();
        if (!problems.isEmpty()) {
            throw refused(source, problems);
        }
        return topology;
    }

    /**
     * One pass reports all it can: a tree the schema refuses often still binds (a wrong value here,
     * a missing field there), and then its names, references and CIDRs are checked too. The checks
     * assume a schema-valid tree, so where they cannot run on this one they add nothing.
     */
    private static List<DocumentProblem> withReferenceProblems(
            List<DocumentProblem> schema, JsonNode tree, SourceLocations locations) {
        List<DocumentProblem> all = new ArrayList<>(schema);
        try {
            Topology topology = MAPPER.treeToValue(tree, Topology.class);
            for (DocumentProblem problem : new TopologyChecks(topology, locations).problems()) {
                if (!all.contains(problem)) {
                    all.add(problem);
                }
            }
        } catch (RuntimeException cannotCheck) {
            return schema;
        }
        all.sort(Comparator.comparingInt(DocumentProblem::line).thenComparingInt(DocumentProblem::column));
        return all;
    }

    private static List<DocumentProblem> schemaProblems(JsonNode tree, SourceLocations locations) {
        List<DocumentProblem> problems = new ArrayList<>();
        for (Error error : SCHEMA.validate(tree)) {
            String pointer = pointer(error.getInstanceLocation());
            if (error.getProperty() != null && "additionalProperties".equals(error.getKeyword())) {
                pointer = pointer + "/" + escape(error.getProperty());
            }
            problems.add(locations.problem(pointer, error.getMessage()));
        }
        problems.sort(Comparator.comparingInt(DocumentProblem::line).thenComparingInt(DocumentProblem::column));
        return problems;
    }

    private static String pointer(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            pointer.append('/')
                    .append(element instanceof Integer index ? index.toString() : escape(String.valueOf(element)));
        }
        return pointer.toString();
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static DocumentProblem syntaxProblem(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        int line = location == null ? 1 : Math.max(1, location.getLineNr());
        int column = location == null ? 1 : Math.max(1, location.getColumnNr());
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        // The first line says what is wrong; the rest of a YAML error repeats the source.
        int newline = message.indexOf('\n');
        return new DocumentProblem(
                line, column, "", "not valid YAML: " + (newline > 0 ? message.substring(0, newline) : message));
    }

    private static InvalidTopologyException refused(String source, DocumentProblem problem) {
        return refused(source, List.of(problem));
    }

    private static InvalidTopologyException refused(String source, List<DocumentProblem> problems) {
        return new InvalidTopologyException(source, problems);
    }

    private static Schema loadSchema() {
        try (InputStream in = TopologyParser.class.getResourceAsStream("topology.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("topology.schema.json is missing from the classpath");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
