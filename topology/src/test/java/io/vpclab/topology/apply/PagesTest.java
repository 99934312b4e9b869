package io.vpclab.topology.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PagesTest {

    private record Page(List<String> items, String next) {}

    @Test
    void followsNextTokensUntilThereIsNone() throws Exception {
        Map<String, Page> pages = Map.of("", new Page(List.of("a", "b"), "t1"), "t1", new Page(List.of("c"), ""));
        List<String> asked = new ArrayList<>();

        List<String> all = Pages.all(
                token -> {
                    asked.add(String.valueOf(token));
                    return pages.get(token == null ? "" : token);
                },
                Page::items,
                Page::next);

        assertThat(all).containsExactly("a", "b", "c");
        assertThat(asked).containsExactly("null", "t1");
    }

    @Test
    void stopsAServerThatNeverEndsItsPages() {
        assertThatThrownBy(() -> Pages.all(token -> new Page(List.of("x"), "again"), Page::items, Page::next))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("more than");
    }
}
