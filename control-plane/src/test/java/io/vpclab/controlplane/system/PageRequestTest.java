package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageRequestTest {

    @Test
    void aPageOneLongerThanMaxHasANextToken() {
        PageRequest request = PageRequest.of(2, null);
        assertThat(request.fetchSize()).isEqualTo(3);
        PageRequest.Page<String> page = request.page(
                List.of("vpc-00000000000000001", "vpc-00000000000000002", "vpc-00000000000000003"), s -> s);
        assertThat(page.items()).containsExactly("vpc-00000000000000001", "vpc-00000000000000002");
        assertThat(page.nextToken()).isEqualTo("vpc-00000000000000002");
        assertThat(request.page(List.of("vpc-00000000000000001"), s -> s).nextToken())
                .isNull();
    }

    @Test
    void defaultsAndLimits() {
        assertThat(PageRequest.of(null, null).maxResults()).isEqualTo(100);
        assertThat(PageRequest.of(null, "subnet-0123456789abcdef0").afterId()).isEqualTo("subnet-0123456789abcdef0");
        assertThatThrownBy(() -> PageRequest.of(0, null)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> PageRequest.of(1001, null)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> PageRequest.of(1, "x' or 1=1"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void idsHaveTheAwsShape() {
        assertThat(Ids.newId(Ids.VPC)).matches("vpc-[0-9a-f]{17}");
        assertThat(Ids.newId(Ids.VPC_CIDR_ASSOCIATION)).matches("vpc-cidr-assoc-[0-9a-f]{17}");
        assertThat(Ids.looksLikeId(Ids.newId(Ids.INSTANCE))).isTrue();
        assertThat(Ids.looksLikeId("vpc-123")).isFalse();
    }
}
