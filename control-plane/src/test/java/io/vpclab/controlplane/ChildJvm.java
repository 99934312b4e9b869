package io.vpclab.controlplane;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM that a test starts (a server or an agent in its own process). Such
 * a JVM lives seconds to minutes on a machine whose cores the other test JVMs already keep
 * busy, so it gets the options that spend the least CPU on starting: C1 only (C2 compiles for
 * a long run this process never has), the serial collector (no GC threads), and no bytecode
 * verification of the class path's classes (javac's and Maven's own jars; measured, loaded: a
 * server start took about 13 s of CPU instead of 15).
 */
public final class ChildJvm {

    private ChildJvm() {}

    /** {@code java} with those options, {@code maxHeap} (e.g. {@code 256m}) and {@code classPath}, running {@code mainClass}. */
    public static List<String> command(String classPath, String maxHeap, String mainClass) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:-BytecodeVerificationRemote",
                "-Xmx" + maxHeap));
        command.addAll(List.of("-cp", classPath, mainClass));
        return command;
    }

    /** As {@link #command(String, String, String)} on this test's class path. */
    public static List<String> command(String maxHeap, String mainClass) {
        return command(System.getProperty("java.class.path"), maxHeap, mainClass);
    }
}
