package io.vpclab.topology.apply;

import io.vpclab.client.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads every page of a list call (the API pages with maxResults and nextToken). */
public final class Pages {

    public static final int PAGE_SIZE = 1000;
    /** A lab holds thousands of resources, not millions: stop a server that never ends its pages. */
    private static final int MAX_PAGES = 1000;

    public interface Call<P> {
        P page(String nextToken) throws ApiException;
    }

    private Pages() {}

    public static <P, T> List<T> all(Call<P> call, Function<P, List<T>> items, Function<P, String> next)
            throws ApiException {
        List<T> all = new ArrayList<>();
        String token = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            P result = call.page(token);
            all.addAll(items.apply(result));
            token = next.apply(result);
            if (token == null || token.isEmpty()) {
                return all;
            }
        }
        throw new IllegalStateException("the server returned more than " + MAX_PAGES + " pages");
    }
}
