package io.vpclab.controlplane.subnet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The cursor and held count of one segmentation mode (a single row, locked while allocating). */
@Entity
@Table(name = "segment_allocator")
class SegmentAllocatorState {

    @Id
    private String segmentation;

    @Column(name = "next_candidate", nullable = false)
    private int nextCandidate;

    @Column(name = "max_id", nullable = false)
    private int maxId;

    @Column(name = "held_count", nullable = false)
    private int heldCount;

    protected SegmentAllocatorState() {}

    String segmentation() {
        return segmentation;
    }

    int nextCandidate() {
        return nextCandidate;
    }

    int maxId() {
        return maxId;
    }

    int heldCount() {
        return heldCount;
    }

    void allocated(int id) {
        nextCandidate = SegmentSearch.after(id, maxId);
        heldCount++;
    }

    void released() {
        heldCount--;
    }
}
