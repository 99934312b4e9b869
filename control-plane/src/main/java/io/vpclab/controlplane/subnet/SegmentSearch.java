package io.vpclab.controlplane.subnet;

import java.util.function.IntPredicate;

/**
 * Finds a free segment ID by probing from a rotating cursor instead of scanning a table. IDs
 * are handed out in increasing order and wrap around at the top, so after a release the next
 * allocation usually needs one probe; the caller guarantees (by its held count) that a free ID exists.
 */
final class SegmentSearch {

    private SegmentSearch() {}

    /**
     * The first ID at or after {@code start} (wrapping from {@code max} to 1) that is not held.
     *
     * @throws IllegalStateException when all {@code max} IDs are held (the caller's count was wrong)
     */
    static int nextFree(int start, int max, IntPredicate held) {
        int candidate = start < 1 || start > max ? 1 : start;
        for (int probes = 0; probes < max; probes++) {
            if (!held.test(candidate)) {
                return candidate;
            }
            candidate = candidate == max ? 1 : candidate + 1;
        }
        throw new IllegalStateException("all " + max + " segment IDs are held");
    }

    /** Where the cursor goes after handing out {@code allocated}. */
    static int after(int allocated, int max) {
        return allocated >= max ? 1 : allocated + 1;
    }
}
