package io.vpclab.controlplane.system;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vpclab.*} settings. The admin token comes from VPCLAB_ADMIN_TOKEN (relaxed binding of
 * {@code vpclab.admin-token}) or is generated into the data folder; quotas default generously
 * for a lab but never below what the VLAN lesson needs (4094 subnets in one VPC).
 */
@ConfigurationProperties("vpclab")
public record VpcLabProperties(
        Path dataDir, String adminToken, String bootstrapToken, Segmentation segmentation, Quota quota) {

    public enum Segmentation {
        VXLAN,
        VLAN
    }

    public record Quota(int vpcsPerTenant, int subnetsPerVpc, int tenants, int hosts) {
        public Quota {
            vpcsPerTenant = vpcsPerTenant > 0 ? vpcsPerTenant : 100;
            subnetsPerVpc = subnetsPerVpc > 0 ? subnetsPerVpc : 8192;
            tenants = tenants > 0 ? tenants : 1000;
            hosts = hosts > 0 ? hosts : 1000;
        }
    }

    public VpcLabProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        segmentation = segmentation == null ? Segmentation.VXLAN : segmentation;
        quota = quota == null ? new Quota(0, 0, 0, 0) : quota;
    }
}
