package io.vpclab.topology.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.ApiException;
import io.vpclab.client.model.TopologyChange;
import io.vpclab.client.model.TopologyChangeAction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refusal halfway deletes what the apply created, newest first, and says what it could not delete. */
class ChangeLogTest {

    @Test
    void rollbackDeletesWhatWasCreatedNewestFirstAndNotesAFailedDeletion() {
        List<String> deleted = new ArrayList<>();
        ChangeLog log = new ChangeLog();
        log.created("vpc", "prod", "vpc-1", () -> deleted.add("vpc-1"));
        log.changed(TopologyChangeAction.UPDATED, "subnet", "web", "subnet-0", "name");
        log.created("subnet", "db", "subnet-2", () -> {
            throw new ApiException(
                    409, "busy", null, "{\"code\":\"DependencyViolation\",\"detail\":\"has instances\"}");
        });
        log.created("instance", "db-1", "i-3", () -> deleted.add("i-3"));
        log.unchanged();

        List<TopologyChange> undone = log.rollback();

        assertThat(deleted).containsExactly("i-3", "vpc-1");
        assertThat(undone).extracting(TopologyChange::getId).containsExactly("i-3", "subnet-2", "vpc-1");
        assertThat(undone).extracting(TopologyChange::getAction).containsOnly(TopologyChangeAction.DELETED);
        assertThat(undone.get(1).getDetail()).isEqualTo("could not delete it: rollback: has instances");
        assertThat(log.changes()).hasSize(4);
        assertThat(log.unchangedCount()).isEqualTo(1);
        assertThat(log.rollback()).as("nothing is undone twice").isEmpty();
    }
}
