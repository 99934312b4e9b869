package io.vpclab.controlplane.subnet;

import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.controlplane.system.VpcLabProperties.Segmentation;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.stereotype.Component;

/**
 * The segmentation mode belongs to the data: VLAN IDs (1..4094) and VNIs (1..16,777,215) both
 * start at 1 and both are the VNIs on the wire, so a server that hands out one kind over stored
 * subnets of the other would give two subnets one segment (agents refuse such a table as
 * "duplicate vni"). A start in a mode the stored subnets do not have is refused before the
 * server accepts a request; a store without subnets takes either mode.
 */
@Component
class SegmentationOfTheData implements InitializingBean {

    private final SubnetRepository subnets;
    private final VpcLabProperties properties;

    SegmentationOfTheData(SubnetRepository subnets, VpcLabProperties properties) {
        this.subnets = subnets;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        Segmentation started = properties.segmentation();
        for (Segmentation other : Arrays.stream(Segmentation.values())
                .filter(mode -> mode != started)
                .toList()) {
            long held = subnets.countBySegmentation(name(other));
            if (held > 0) {
                throw refusal(started, other, held);
            }
        }
    }

    private FailureAnalyzedException refusal(Segmentation started, Segmentation stored, long held) {
        String description = "The store (--vpclab.data-dir=" + properties.dataDir() + ") holds " + held + " subnet"
                + (held == 1 ? "" : "s") + " with " + kind(stored) + ", and this server was started with"
                + " --vpclab.segmentation=" + name(started) + ". " + kind(started) + " are counted from 1 too and are"
                + " the VNIs on the wire, so new subnets would share segments with the stored ones."
                + " The segmentation mode belongs to the data.";
        String action = "Start " + name(started) + " mode on its own data, e.g. --vpclab.segmentation=" + name(started)
                + " --vpclab.data-dir=" + properties.dataDir() + "-" + name(started)
                + " (a new directory; with PostgreSQL, another database), or start this data in "
                + name(stored) + " mode (--vpclab.segmentation=" + name(stored) + ")."
                + " Deleting the stored " + name(stored) + " subnets also frees this data for " + name(started)
                + " mode.";
        return new FailureAnalyzedException(description, action);
    }

    private static String name(Segmentation mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private static String kind(Segmentation mode) {
        return mode == Segmentation.VLAN ? "VLAN IDs" : "VXLAN VNIs";
    }
}
