package io.vpclab.controlplane;

import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The control plane: REST API, store, forwarding-table compiler and southbound push. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VpcLabApplication {

    public static void main(String[] args) {
        SpringApplication.run(VpcLabApplication.class, withDemoFlag(args));
    }

    /** {@code --demo} is the short form of {@code --vpclab.demo.enabled=true}. */
    static String[] withDemoFlag(String[] args) {
        return Arrays.stream(args)
                .map(arg -> "--demo".equals(arg) ? "--vpclab.demo.enabled=true" : arg)
                .toArray(String[]::new);
    }
}
