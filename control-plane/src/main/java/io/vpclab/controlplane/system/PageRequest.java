package io.vpclab.controlplane.system;

import java.util.List;
import java.util.function.Function;

/**
 * AWS-style pagination: {@code maxResults} items after the ID named by {@code nextToken}, in ID
 * order (keyset paging, so a page costs one index range scan however deep it is).
 */
public record PageRequest(int maxResults, String afterId) {

    public static final int DEFAULT_MAX_RESULTS = 100;
    public static final int LIMIT_MAX_RESULTS = 1000;

    public static PageRequest of(Integer maxResults, String nextToken) {
        int size = maxResults == null ? DEFAULT_MAX_RESULTS : maxResults;
        if (size < 1 || size > LIMIT_MAX_RESULTS) {
            throw ApiException.invalidParameter("maxResults must be 1.." + LIMIT_MAX_RESULTS + ", got " + size);
        }
        if (nextToken != null && !Ids.looksLikeId(nextToken)) {
            throw ApiException.invalidParameter("nextToken is not a token this server issued: " + nextToken);
        }
        return new PageRequest(size, nextToken == null ? "" : nextToken);
    }

    /** One more than the page, so that the caller learns whether a next page exists. */
    public int fetchSize() {
        return maxResults + 1;
    }

    /** Cuts the fetched rows to a page and computes the next token. */
    public <T> Page<T> page(List<T> fetched, Function<T, String> id) {
        if (fetched.size() <= maxResults) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, maxResults);
        return new Page<>(items, id.apply(items.get(items.size() - 1)));
    }

    public record Page<T>(List<T> items, String nextToken) {

        public <R> Page<R> map(Function<T, R> mapper) {
            return new Page<>(items.stream().map(mapper).toList(), nextToken);
        }
    }
}
