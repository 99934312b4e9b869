package io.vpclab.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The control plane: REST API, store, forwarding-table compiler and southbound push. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VpcLabApplication {

    public static void main(String[] args) {
        SpringApplication.run(VpcLabApplication.class, args);
    }
}
