package io.vpclab.agent.table;

import io.vpclab.client.document.DocumentProblem;
import io.vpclab.client.document.SourceLocations;
import io.vpclab.client.model.ForwardingTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Reads a static forwarding table (YAML or JSON, the contract's {@code ForwardingTable}
 * schema) into the generated client model and validates it completely. A file is either
 * returned whole and valid, or refused with a {@link TableRefusedException} that names the line,
 * column and reason of each problem; there is no partial result.
 */
public final class TableFile {

    /** Larger files are refused before parsing: a static table of a lab fits in far less. */
    static final int MAX_BYTES = 8 * 1024 * 1024;

    private TableFile() {}

    /** Reads {@code file} in the format its name says ({@link TableFormat#of}). */
    public static ForwardingTable read(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw refused(source, 0, 0, "", "file is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw refused(source, 0, 0, "", "cannot read the file: " + e);
        }
        return parse(source, new String(bytes, StandardCharsets.UTF_8), TableFormat.of(file));
    }

    /** Parses and validates {@code text}; {@code source} names it in errors. */
    public static ForwardingTable parse(String source, String text, TableFormat format) {
        ObjectMapper mapper = format.mapper();
        SourceLocations locations;
        ForwardingTable table;
        try (JsonParser parser = mapper.createParser(text)) {
            locations = SourceLocations.read(parser);
        } catch (JacksonException e) {
            throw fromJackson(source, e);
        }
        try {
            table = mapper.readValue(text, ForwardingTable.class);
        } catch (JacksonException e) {
            throw fromJackson(source, e);
        } catch (RuntimeException e) {
            // a generated setter or enum factory refused a value without location
            throw refused(source, 0, 0, "", "cannot read the table: " + e.getMessage());
        }
        if (table == null) {
            throw refused(source, 1, 1, "", "the document is empty; a table needs at least host.underlayIp");
        }
        List<DocumentProblem> problems = TableValidator.validate(table);
        if (!problems.isEmpty()) {
            throw new TableRefusedException(
                    source, problems.stream().map(locations::locate).toList());
        }
        return table;
    }

    private static TableRefusedException fromJackson(String source, JacksonException e) {
        StringBuilder pointer = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                pointer.append('/')
                        .append(ref.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (ref.getIndex() >= 0) {
                pointer.append('/').append(ref.getIndex());
            }
        }
        String reason;
        if (e instanceof UnrecognizedPropertyException unknown) {
            reason = "unknown field '" + unknown.getPropertyName() + "'"
                    + (unknown.getKnownPropertyIds() == null ? "" : "; known fields: " + unknown.getKnownPropertyIds());
        } else {
            reason = firstLine(e.getOriginalMessage());
            if (reason.isBlank()) {
                // some YAML scanner errors carry their text only in the full message
                reason = firstLine(e.getMessage());
            }
            if (reason.isBlank()) {
                reason = "unreadable document (" + e.getClass().getSimpleName() + ")";
            }
        }
        return new TableRefusedException(
                source, List.of(DocumentProblem.at(e.getLocation(), pointer.toString(), reason)));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        for (String line : message.split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static TableRefusedException refused(String source, int line, int column, String pointer, String reason) {
        return new TableRefusedException(source, List.of(new DocumentProblem(line, column, pointer, reason)));
    }
}
