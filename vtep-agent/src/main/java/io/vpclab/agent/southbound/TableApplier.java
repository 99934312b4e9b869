package io.vpclab.agent.southbound;

import io.vpclab.client.model.ForwardingTable;

/**
 * Makes the data plane forward by a whole table. Implementations validate everything before
 * they change anything, so a refused table leaves the previous one running.
 */
@FunctionalInterface
public interface TableApplier {

    /**
     * @throws IllegalArgumentException when the table is refused (a
     *     {@code TableRefusedException} with every problem's JSON pointer); the previous table stays
     */
    void apply(ForwardingTable table);
}
