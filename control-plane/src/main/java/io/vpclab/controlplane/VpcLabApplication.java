package io.vpclab.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The control plane: REST API, store, forwarding-table compiler and southbound push. */
@SpringBootApplication
public class VpcLabApplication {

    public static void main(String[] args) {
        SpringApplication.run(VpcLabApplication.class, args);
    }
}
