package io.vpclab.agent.table;

import java.nio.file.Path;
import java.util.Locale;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The two notations of a static table file, each with a strict reader: unknown fields, duplicate
 * keys, trailing tokens and floats for integers are refused, and locations keep their source.
 */
public enum TableFormat {
    YAML(strict(YAMLMapper.builder()).build()),
    JSON(strict(JsonMapper.builder()).build());

    private final ObjectMapper mapper;

    TableFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** JSON when the file name ends in {@code .json} (any case), YAML otherwise. */
    public static TableFormat of(Path file) {
        return file.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
        return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION);
    }
}
