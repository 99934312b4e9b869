package io.vpclab.topology.apply;

import io.vpclab.client.ApiException;
import io.vpclab.client.model.TopologyChange;
import io.vpclab.client.model.TopologyChangeAction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What an apply changed, in order, and how to undo each creation: a refusal halfway deletes what
 * this apply created, newest first, so nothing of the file is left half-applied. Updates of
 * resources that existed before are reported but not undone (they were the file's intent, and the
 * resource existed either way).
 */
final class ChangeLog {

    interface Undo {
        void run() throws ApiException;
    }

    private record Created(TopologyChange change, Undo undo) {}

    private final List<TopologyChange> changes = new ArrayList<>();
    private final Deque<Created> created = new ArrayDeque<>();
    private int unchanged;

    void created(String kind, String name, String id, Undo undo) {
        TopologyChange change = new TopologyChange()
                .action(TopologyChangeAction.CREATED)
                .kind(kind)
                .name(name)
                .id(id);
        changes.add(change);
        created.push(new Created(change, undo));
    }

    void changed(TopologyChangeAction action, String kind, String name, String id, String detail) {
        changes.add(
                new TopologyChange().action(action).kind(kind).name(name).id(id).detail(detail));
    }

    void unchanged() {
        unchanged++;
    }

    List<TopologyChange> changes() {
        return List.copyOf(changes);
    }

    int unchangedCount() {
        return unchanged;
    }

    /** Deletes what was created, newest first; returns what was deleted (with a note where that failed). */
    List<TopologyChange> rollback() {
        List<TopologyChange> undone = new ArrayList<>();
        while (!created.isEmpty()) {
            Created next = created.pop();
            TopologyChange change = new TopologyChange()
                    .action(TopologyChangeAction.DELETED)
                    .kind(next.change().getKind())
                    .name(next.change().getName())
                    .id(next.change().getId());
            try {
                next.undo().run();
            } catch (ApiException | RuntimeException e) {
                change.detail("could not delete it: "
                        + Refusal.of(e instanceof ApiException api ? api : new ApiException(e.getMessage()), "rollback")
                                .detail());
            }
            undone.add(change);
        }
        return undone;
    }
}
