package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.system.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A Describe action's page over a service's ID-ordered pages, with filters applied: it reads the
 * service's pages until MaxResults items match, and the NextToken is the last returned ID. Without
 * MaxResults it returns everything, as EC2 does.
 */
final class Ec2Pages {

    private static final int SERVICE_PAGE = PageRequest.LIMIT_MAX_RESULTS;

    private Ec2Pages() {}

    /** The first item of every page {@code fetch} gives that matches: for lookups by a field other than the id. */
    static <T> Optional<T> first(
            Function<PageRequest, PageRequest.Page<T>> fetch, Predicate<T> matches, Function<T, String> id) {
        return collect(fetch, matches, id, Optional.of(1), Optional.empty()).items().stream()
                .findFirst();
    }

    static <T> PageRequest.Page<T> collect(
            Function<PageRequest, PageRequest.Page<T>> fetch,
            Predicate<T> matches,
            Function<T, String> id,
            Optional<Integer> maxResults,
            Optional<String> nextToken) {
        int max = maxResults.orElse(Integer.MAX_VALUE);
        List<T> items = new ArrayList<>();
        String after = nextToken.orElse(null);
        while (true) {
            PageRequest.Page<T> page = fetch.apply(PageRequest.of(Math.min(SERVICE_PAGE, Math.max(max, 1)), after));
            List<T> fetched = page.items();
            for (int i = 0; i < fetched.size(); i++) {
                T item = fetched.get(i);
                if (matches.test(item)) {
                    items.add(item);
                    if (items.size() == max) {
                        boolean more = i < fetched.size() - 1 || page.nextToken() != null;
                        return new PageRequest.Page<>(items, more ? id.apply(item) : null);
                    }
                }
            }
            if (page.nextToken() == null) {
                return new PageRequest.Page<>(items, null);
            }
            after = page.nextToken();
        }
    }
}
