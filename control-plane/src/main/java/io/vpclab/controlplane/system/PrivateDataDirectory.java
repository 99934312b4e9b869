package io.vpclab.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The data folder holds the database and the admin token: only the server's user may read it.
 * It is made 0700 before any bean opens a file in it (a bean factory post-processor runs before
 * the data source), so whatever the database creates there later is out of others' reach
 * whatever the umask; its files are set to 0600 at start and once the database is open.
 */
@Component
class PrivateDataDirectory
        implements BeanFactoryPostProcessor, EnvironmentAware, ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(PrivateDataDirectory.class);
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private Path dataDir;

    @Override
    public void setEnvironment(Environment environment) {
        dataDir = Path.of(environment.getProperty("vpclab.data-dir", "data"));
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data folder " + dataDir.toAbsolutePath(), e);
        }
        restrict();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent ready) {
        restrict();
    }

    /** Folder 0700, its regular files 0600 (sub-folders 0700). */
    void restrict() {
        if (!POSIX) {
            return;
        }
        try (Stream<Path> entries = Files.walk(dataDir)) {
            entries.forEach(entry -> {
                try {
                    Files.setPosixFilePermissions(
                            entry,
                            PosixFilePermissions.fromString(Files.isDirectory(entry) ? "rwx------" : "rw-------"));
                } catch (IOException | SecurityException e) {
                    log.warn("cannot restrict {} to its owner: {}", entry, e.getMessage());
                }
            });
        } catch (IOException e) {
            log.warn("cannot restrict the data folder {}: {}", dataDir.toAbsolutePath(), e.getMessage());
        }
    }
}
